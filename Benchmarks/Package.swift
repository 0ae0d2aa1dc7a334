// swift-tools-version: 6.1
// Keyplan benchmarks, kept out of the main package so that its build stays lean. One executable per benchmark;
// shared fixtures live in library targets. See README.md for the commands and the recorded figures.
import PackageDescription

let package = Package(
    name: "KeyplanBenchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "Keyplan", path: ".."),
        .package(url: "https://github.com/apple/swift-protobuf.git", from: "1.39.0"),
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
        // Imports 50,000 CRM rows through a real server and pages a 20,000-account portfolio.
        .executableTarget(
            name: "PortfolioBenchmark",
            dependencies: [
                .product(name: "KeyplanAPI", package: "Keyplan"),
                .product(name: "KeyplanServer", package: "Keyplan"),
                .product(name: "KeyplanLocalDatabase", package: "Keyplan"),
                .product(name: "KeyplanPostgres", package: "Keyplan"),
                .product(name: "KeyplanRPC", package: "Keyplan"),
            ]
        ),
    ]
)
