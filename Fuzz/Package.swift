// swift-tools-version: 6.0
// Fuzz targets for Keyplan's wire code, one libFuzzer executable per target (see README.md).
// Kept out of the main package: they build only with `--sanitize=fuzzer`.
import PackageDescription

let package = Package(
    name: "KeyplanFuzz",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "Keyplan", path: "..")
    ],
    targets: [
        .executableTarget(
            name: "CodecFuzzer",
            dependencies: [.product(name: "KeyplanWire", package: "Keyplan")]
        )
    ]
)
