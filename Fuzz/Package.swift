// swift-tools-version: 6.0
// libFuzzer targets for Keyplan's parsers. Build and run: see README.md in this folder.
import PackageDescription

let package = Package(
    name: "KeyplanFuzz",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "Keyplan", path: ".."),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
    ],
    targets: [
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
