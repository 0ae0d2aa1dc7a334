import ArgumentParser

/// Unary echo over loopback: Keyplan's RPC runtime against grpc-swift 2 (HTTP/2 transport).
///
/// `run` (the default) starts one `serve` child process per system, drives it, and prints the tables;
/// `serve` is that child, kept in the same executable so both sides always come from one build.
@main
struct RPCBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "RPCBenchmark",
        abstract: "Unary echo: Keyplan's RPC runtime against grpc-swift 2, one server process per system.",
        subcommands: [Run.self, Serve.self],
        defaultSubcommand: Run.self
    )
}
