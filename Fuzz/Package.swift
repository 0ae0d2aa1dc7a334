// swift-tools-version: 6.1
// libFuzzer targets for Keyplan's wire code, one executable per target (see README.md).
// Kept out of the main package: they build only with `--sanitize=fuzzer`.
import PackageDescription

let package = Package(
    name: "KeyplanFuzz",
    platforms: [.macOS(.v15)],
    dependencies: [
        // Without the @WireMessage macro: its plugin cannot be built with the sanitizer flags (see Package.swift).
        .package(name: "Keyplan", path: "..", traits: []),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
    ],
    targets: [
        .executableTarget(
            name: "CodecFuzzer",
            dependencies: [.product(name: "KeyplanWire", package: "Keyplan")]
        ),
        .executableTarget(
            name: "FuzzFrameParser",
            dependencies: [
                .product(name: "KeyplanWire", package: "Keyplan"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            swiftSettings: [.unsafeFlags(["-parse-as-library"])]
        ),
    ]
)
