import Foundation

/// A `serve` child process of this executable, serving one system on an ephemeral loopback port.
///
/// Running each server in its own process is what makes its CPU time measurable apart from the
/// client's. The child exits when its standard input closes, so it never outlives the benchmark.
final class ServerProcess {
    /// The system the child serves.
    let system: BenchmarkedSystem
    /// The loopback port the child listens on.
    let port: Int
    private let process: Process
    private let standardInput: Pipe

    private init(system: BenchmarkedSystem, port: Int, process: Process, standardInput: Pipe) {
        self.system = system
        self.port = port
        self.process = process
        self.standardInput = standardInput
    }

    /// Starts `RPCBenchmark serve --system <system>` and waits for it to report its port.
    static func start(_ system: BenchmarkedSystem) async throws -> ServerProcess {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
        process.arguments = ["serve", "--system", system.rawValue]
        let standardInput = Pipe()
        let standardOutput = Pipe()
        process.standardInput = standardInput
        process.standardOutput = standardOutput
        try process.run()

        // Skip anything else the server prints (e.g. a log line) until the port, or the end.
        while let line = await Self.readLine(from: standardOutput.fileHandleForReading) {
            if line.hasPrefix(Serve.listeningPrefix), let port = Int(line.dropFirst(Serve.listeningPrefix.count)) {
                return ServerProcess(system: system, port: port, process: process, standardInput: standardInput)
            }
        }
        process.terminate()
        throw EchoBenchmarkError.notListening("\(system.label) server exited without printing its port")
    }

    /// The child's process id (to attach a profiler to).
    var pid: Int32 { self.process.processIdentifier }

    /// The child's CPU time so far.
    func cpuTime() throws -> CPUTime {
        try CPUTime.ofProcess(self.pid)
    }

    /// Closes the child's standard input, which makes it exit, and waits for it.
    func stop() {
        try? self.standardInput.fileHandleForWriting.close()
        self.process.waitUntilExit()
    }

    /// Reads one line on a thread of its own: a pipe read blocks, which no task on the shared pool may do.
    private static func readLine(from handle: FileHandle) async -> String? {
        await withCheckedContinuation { continuation in
            Thread.detachNewThread {
                var bytes: [UInt8] = []
                while true {
                    guard let byte = try? handle.read(upToCount: 1), let first = byte.first else {
                        continuation.resume(returning: bytes.isEmpty ? nil : String(decoding: bytes, as: UTF8.self))
                        return
                    }
                    if first == UInt8(ascii: "\n") {
                        continuation.resume(returning: String(decoding: bytes, as: UTF8.self))
                        return
                    }
                    bytes.append(first)
                }
            }
        }
    }
}
