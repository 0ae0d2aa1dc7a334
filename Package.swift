// swift-tools-version: 6.0
// Keyplan: a multi-tenant server for strategic account planning.
//
// Modules, one per layer, dependencies pointing one way only (see ARCHITECTURE.md):
//   KeyplanWire      binary Codable + frames (no networking)
//   KeyplanRPC       RPC runtime over SwiftNIO: server, client, interceptors
//   KeyplanPool      connection pool state machine (generic, clock-injected)
//   KeyplanPostgres  libpq access: connections, rows, transactions, pipeline, LISTEN/NOTIFY, migrations
//   KeyplanLocalDatabase  the private local PostgreSQL cluster used by default and by tests
//   keyplan-server   the server executable
import PackageDescription

let package = Package(
    name: "Keyplan",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "KeyplanWire", targets: ["KeyplanWire"]),
        .library(name: "KeyplanRPC", targets: ["KeyplanRPC"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-collections.git", from: "1.6.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
    ],
    targets: [
        .target(
            name: "KeyplanWire",
            dependencies: [
                .product(name: "NIOCore", package: "swift-nio"),
            ]
        ),
        .testTarget(
            name: "KeyplanWireTests",
            dependencies: ["KeyplanWire"]
        ),
        .target(
            name: "KeyplanRPC",
            dependencies: [
                "KeyplanWire",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "DequeModule", package: "swift-collections"),
            ],
            exclude: ["README.md"]
        ),
        .testTarget(
            name: "KeyplanRPCTests",
            dependencies: [
                "KeyplanRPC",
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
    ]
)
