// swift-tools-version: 6.1
// Keyplan: a multi-tenant server for strategic account planning.
//
// Modules, one per layer, dependencies pointing one way only (see ARCHITECTURE.md):
//   KeyplanWire           binary Codable + frames (no networking)
//   KeyplanWireMacros     the compiler plugin behind @WireMessage (generated message coding)
//   KeyplanRPC            RPC runtime over SwiftNIO: server, client, interceptors
//   KeyplanPool           connection pool state machine (generic, clock-injected)
//   KeyplanPostgres       libpq access: connections, rows, transactions, pipeline, LISTEN/NOTIFY, migrations
//   KeyplanLocalDatabase  the private local PostgreSQL cluster used by default and by tests
//   KeyplanAPI            messages and service definitions shared by server and clients
//   KeyplanMail           outgoing email: MIME messages and a strict SMTP client (no server dependencies)
//   KeyplanServer         service implementations: identity, authorization policy, audit, mail delivery
//   keyplan-server        the server executable
//   keyplan               the command-line client
import CompilerPluginSupport
import PackageDescription

let package = Package(
    name: "Keyplan",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "keyplan-server", targets: ["keyplan-server"]),
        .executable(name: "keyplan", targets: ["keyplan"]),
        .library(name: "KeyplanWire", targets: ["KeyplanWire"]),
        .library(name: "KeyplanRPC", targets: ["KeyplanRPC"]),
        .library(name: "KeyplanPool", targets: ["KeyplanPool"]),
        .library(name: "KeyplanPostgres", targets: ["KeyplanPostgres"]),
        .library(name: "KeyplanLocalDatabase", targets: ["KeyplanLocalDatabase"]),
        .library(name: "KeyplanAPI", targets: ["KeyplanAPI"]),
        .library(name: "KeyplanServer", targets: ["KeyplanServer"]),
        .library(name: "KeyplanMail", targets: ["KeyplanMail"]),
    ],
    // `@WireMessage` needs its compiler plugin (swift-syntax). On by default; the fuzz package turns it off, as its
    // sanitizer flags reach host tools too and libFuzzer's `main` would collide with the plugin's.
    traits: [
        .trait(name: "WireMessageMacro", description: "Declares @WireMessage and builds its compiler plugin"),
        .default(enabledTraits: ["WireMessageMacro"]),
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
        .package(url: "https://github.com/apple/swift-crypto.git", from: "4.5.2"),
        .package(url: "https://github.com/swiftlang/swift-syntax.git", from: "603.0.1"),
        // HTTP for the gateway and the portal; without swift-configuration (our own configuration reads flags).
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1", traits: []),
        .package(url: "https://github.com/apple/swift-async-algorithms.git", from: "1.1.4"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
        // Outgoing webhook deliveries.
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
    ],
    targets: [
        // Wire codec: binary Codable and frames.
        .target(
            name: "KeyplanWire",
            dependencies: [
                .target(name: "KeyplanWireMacros", condition: .when(traits: ["WireMessageMacro"])),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            ]
        ),
        .macro(
            name: "KeyplanWireMacros",
            dependencies: [
                .product(name: "SwiftSyntax", package: "swift-syntax"),
                .product(name: "SwiftSyntaxMacros", package: "swift-syntax"),
                .product(name: "SwiftCompilerPlugin", package: "swift-syntax"),
                .product(name: "SwiftDiagnostics", package: "swift-syntax"),
                .product(name: "SwiftSyntaxBuilder", package: "swift-syntax"),
            ]
        ),
        // RPC runtime.
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
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "DequeModule", package: "swift-collections"),
            ],
            exclude: ["README.md"]
        ),
        // PostgreSQL.
        .systemLibrary(
            name: "CLibPQ",
            pkgConfig: "libpq",
            providers: [.apt(["libpq-dev"])]
        ),
        // glibc's heap statistics, for the tests that check connections leave no memory behind.
        .systemLibrary(name: "CMallocInfo", path: "Tests/CMallocInfo"),
        .target(
            name: "KeyplanPool",
            dependencies: [
                .product(name: "DequeModule", package: "swift-collections")
            ]
        ),
        .target(
            name: "KeyplanPostgres",
            dependencies: [
                "CLibPQ",
                "KeyplanPool",
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "DequeModule", package: "swift-collections"),
            ]
        ),
        .target(
            name: "KeyplanLocalDatabase",
            dependencies: [
                "KeyplanPostgres",
                .product(name: "NIOPosix", package: "swift-nio"),
            ]
        ),
        // Services.
        .target(
            name: "KeyplanAPI",
            dependencies: [
                "KeyplanWire",
                "KeyplanRPC",
                .product(name: "NIOCore", package: "swift-nio"),
            ]
        ),
        .target(
            name: "KeyplanServer",
            dependencies: [
                "KeyplanAPI",
                "KeyplanRPC",
                "KeyplanPostgres",
                "KeyplanMail",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "CryptoExtras", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "DequeModule", package: "swift-collections"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ]
        ),
        // HTTP: the Connect-protocol JSON gateway onto the RPC server's handlers, and the web portal.
        .target(
            name: "KeyplanGateway",
            dependencies: [
                "KeyplanAPI",
                "KeyplanRPC",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "AsyncAlgorithms", package: "swift-async-algorithms"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            resources: [.copy("Portal")]
        ),
        // Outgoing email: MIME messages and an SMTP client, on NIO alone.
        .target(
            name: "KeyplanMail",
            dependencies: [
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOTLS", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // Executables.
        .executableTarget(
            name: "keyplan-server",
            dependencies: [
                "KeyplanRPC",
                "KeyplanPostgres",
                "KeyplanLocalDatabase",
                "KeyplanServer",
                "KeyplanGateway",
                "KeyplanMail",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            ]
        ),
        .executableTarget(
            name: "keyplan",
            dependencies: [
                "KeyplanAPI",
                "KeyplanRPC",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ]
        ),
        // Tests mirror the source tree.
        .testTarget(name: "KeyplanWireTests", dependencies: ["KeyplanWire"]),
        .testTarget(
            name: "KeyplanRPCTests",
            dependencies: [
                "KeyplanRPC",
                "CMallocInfo",
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .testTarget(name: "KeyplanPoolTests", dependencies: ["KeyplanPool"]),
        .testTarget(
            name: "KeyplanPostgresTests",
            dependencies: ["KeyplanPostgres", "KeyplanLocalDatabase", .product(name: "ServiceLifecycle", package: "swift-service-lifecycle")]
        ),
        .testTarget(name: "KeyplanLocalDatabaseTests", dependencies: ["KeyplanLocalDatabase", "KeyplanPostgres"]),
        .testTarget(
            name: "KeyplanServerTests",
            dependencies: [
                "KeyplanServer",
                "KeyplanMail",
                "KeyplanTestSupport",
                "KeyplanGateway",
                "KeyplanAPI",
                "KeyplanRPC",
                "KeyplanPostgres",
                "KeyplanLocalDatabase",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            // The webhook tests' receiver: a Python script on loopback (/usr/bin/python3).
            exclude: ["Webhooks/webhook_receiver.py"]
        ),
        // What several test targets start: a real SMTP server (`smtp_sink.py`, Debian's python3-aiosmtpd), test certificates.
        .target(
            name: "KeyplanTestSupport",
            dependencies: [.product(name: "NIOPosix", package: "swift-nio")],
            path: "Tests/KeyplanTestSupport",
            exclude: ["smtp_sink.py"]
        ),
        .testTarget(
            name: "KeyplanMailTests",
            dependencies: [
                "KeyplanMail",
                "KeyplanTestSupport",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ]
        ),
        // The server executable's own parts: its configuration sources, its metrics endpoint.
        .testTarget(
            name: "KeyplanServerCommandTests",
            dependencies: [
                "keyplan-server",
                "KeyplanRPC",
                "KeyplanServer",
                "KeyplanMail",
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ]
        ),
    ]
)

// The settings grpc-swift 2 builds with: existentials spelled `any`; members visible only from modules a file imports
// itself, and imports internal unless marked `public import` — so a file's imports say what it uses, and which
// modules its public declarations expose.
for target in package.targets where target.type != .system {
    target.swiftSettings =
        (target.swiftSettings ?? []) + [
            .enableUpcomingFeature("ExistentialAny"),
            .enableUpcomingFeature("MemberImportVisibility"),
            .enableUpcomingFeature("InternalImportsByDefault"),
        ]
}
