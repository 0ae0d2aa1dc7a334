// swift-tools-version: 6.1
// Keyplan benchmarks, kept out of the main package so that its build stays lean and the heavy peers we
// measure against (grpc-swift 2 and its HTTP/2 transport, SwiftProtobuf) never enter its dependency graph.
// One executable per benchmark; shared fixtures live in library targets. Release builds only: see README.md
// for the commands and the recorded figures.
import PackageDescription

let package = Package(
    name: "KeyplanBenchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [
        // Named explicitly: a path dependency's identity would otherwise be the checkout's directory name. Its
        // trait is named too: left to the default, this build saw no @WireMessage.
        .package(name: "Keyplan", path: "..", traits: ["WireMessageMacro"]),
        .package(url: "https://github.com/apple/swift-protobuf.git", from: "1.39.0"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-extras.git", from: "1.27.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/grpc/grpc-swift-2.git", exact: "2.4.3"),
        .package(url: "https://github.com/grpc/grpc-swift-nio-transport.git", exact: "2.9.2"),
        // An independent HTTP/1.1 client for the gateway's side of the request-path benchmark.
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
    ],
    targets: [
        // A realistic account plan as Keyplan Codable types and as hand-written SwiftProtobuf messages.
        .target(
            name: "AccountPlanFixture",
            dependencies: [
                .product(name: "KeyplanWire", package: "Keyplan"),
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
            ]
        ),
        // Keyplan's binary Codable against JSONEncoder/JSONDecoder and SwiftProtobuf's binary format.
        .executableTarget(
            name: "CodecBenchmark",
            dependencies: [
                "AccountPlanFixture",
                .product(name: "KeyplanWire", package: "Keyplan"),
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
            ]
        ),
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
        // A real server over loopback on a fresh database, with a signed-in tenant admin.
        .target(
            name: "BenchmarkServer",
            dependencies: [
                .product(name: "KeyplanAPI", package: "Keyplan"),
                .product(name: "KeyplanServer", package: "Keyplan"),
                .product(name: "KeyplanLocalDatabase", package: "Keyplan"),
                .product(name: "KeyplanPostgres", package: "Keyplan"),
                .product(name: "KeyplanRPC", package: "Keyplan"),
            ]
        ),
        // Imports 50,000 CRM rows through a real server and pages a 20,000-account portfolio.
        .executableTarget(
            name: "PortfolioBenchmark",
            dependencies: ["BenchmarkServer", .product(name: "KeyplanAPI", package: "Keyplan")]
        ),
        // The request path: a real keyplan-server process on a durable cluster, against pgbench -S on it.
        .executableTarget(
            name: "RequestPathBenchmark",
            dependencies: [
                "BenchmarkServer",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "KeyplanAPI", package: "Keyplan"),
                .product(name: "KeyplanRPC", package: "Keyplan"),
                .product(name: "KeyplanServer", package: "Keyplan"),
                .product(name: "KeyplanPostgres", package: "Keyplan"),
                .product(name: "KeyplanLocalDatabase", package: "Keyplan"),
            ]
        ),
        // A 10,000-account tenant's analytics, risk list and coaching through a real server.
        .executableTarget(
            name: "AnalyticsBenchmark",
            dependencies: [
                "BenchmarkServer",
                .product(name: "KeyplanAPI", package: "Keyplan"),
                .product(name: "KeyplanPostgres", package: "Keyplan"),
            ]
        ),
    ]
)
