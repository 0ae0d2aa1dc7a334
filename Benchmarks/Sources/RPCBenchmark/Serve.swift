import ArgumentParser
import Foundation

/// The server child process: serves one system and reports its port on standard output.
struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Serve echo for one system on an ephemeral loopback port (started by `run`)."
    )

    /// What the child prints, followed by the port, once it is listening.
    static let listeningPrefix = "listening on port "

    @Option(help: "The system to serve.")
    var system: BenchmarkedSystem

    func run() async throws {
        Self.exitWhenStandardInputCloses()
        try await self.system.implementation.serve { port in
            FileHandle.standardOutput.write(Data("\(Self.listeningPrefix)\(port)\n".utf8))
        }
    }

    /// The parent holds our standard input open for as long as it needs us, even if it dies abruptly.
    private static func exitWhenStandardInputCloses() {
        Thread.detachNewThread {
            var byte: UInt8 = 0
            while read(STDIN_FILENO, &byte, 1) > 0 {}
            Foundation.exit(0)
        }
    }
}
