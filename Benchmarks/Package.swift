// swift-tools-version: 6.1
// Keyplan's benchmarks: a separate package so the heavy peers we measure against (grpc-swift 2 and its
// NIO HTTP/2 transport) never enter the main package's dependency graph.
//
// Run with release builds only, e.g. `swift run -c release RPCBenchmark` (see README.md).
import PackageDescription

let package = Package(
    name: "KeyplanBenchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [
        // Named explicitly: a path dependency's identity would otherwise be the checkout's directory name.
        .package(name: "Keyplan", path: ".."),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-extras.git", from: "1.27.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/grpc/grpc-swift-2.git", exact: "2.4.3"),
        .package(url: "https://github.com/grpc/grpc-swift-nio-transport.git", exact: "2.9.2"),
    ],
    targets: [
        // Unary echo: Keyplan's RPC runtime against grpc-swift 2 over HTTP/2, each server in its own process.
        .executableTarget(
            name: "RPCBenchmark",
            dependencies: [
                .product(name: "KeyplanRPC", package: "Keyplan"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOExtras", package: "swift-nio-extras"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "GRPCCore", package: "grpc-swift-2"),
                .product(name: "GRPCNIOTransportHTTP2", package: "grpc-swift-nio-transport"),
            ],
            swiftSettings: [.swiftLanguageMode(.v6)]
        ),
    ]
)
