import ArgumentParser

/// The systems this benchmark compares, as named on the command line.
enum BenchmarkedSystem: String, CaseIterable, ExpressibleByArgument, Sendable {
    case keyplan
    case grpc
    /// Not a contender: length-prefixed echo over bare NIO TCP, the floor both RPC systems build on.
    case tcp

    /// The implementation driving this system.
    var implementation: any EchoSystem.Type {
        switch self {
        case .keyplan: KeyplanEcho.self
        case .grpc: GRPCEcho.self
        case .tcp: TCPEcho.self
        }
    }

    /// How the system is labelled in tables.
    var label: String {
        switch self {
        case .keyplan: "Keyplan"
        case .grpc: "grpc-swift 2"
        case .tcp: "NIO TCP floor"
        }
    }
}
