import BenchmarkServer
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// `keyplan-server serve` as a child process on free loopback ports, its metrics scraped over HTTP.
final class ServerProcess: Sendable {
    let port: Int
    let metricsPort: Int
    /// The HTTP port: the Connect gateway.
    let httpPort: Int
    private let process: Process

    var pid: Int32 { process.processIdentifier }

    private init(port: Int, metricsPort: Int, httpPort: Int, process: Process) {
        self.port = port
        self.metricsPort = metricsPort
        self.httpPort = httpPort
        self.process = process
    }

    /// Starts the `keyplan-server` built beside this executable and waits until it answers.
    static func start(databaseURL: String) async throws -> ServerProcess {
        let executable = URL(fileURLWithPath: try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
            .deletingLastPathComponent().appendingPathComponent("keyplan-server")
        guard FileManager.default.isExecutableFile(atPath: executable.path) else {
            throw BenchmarkError("\(executable.path) is missing: swift build -c release --product keyplan-server")
        }
        let (port, metricsPort, httpPort) = (try freePort(), try freePort(), try freePort())
        let process = Process()
        process.executableURL = executable
        process.arguments = [
            "serve", "--database-url", databaseURL, "--port", "\(port)", "--metrics-port", "\(metricsPort)", "--http-port", "\(httpPort)",
            "--log-level", "warning",
        ]
        try process.run()
        let server = ServerProcess(port: port, metricsPort: metricsPort, httpPort: httpPort, process: process)
        for _ in 0..<100 {
            if (try? await server.metrics()) != nil { return server }
            try await Task.sleep(for: .milliseconds(100))
        }
        server.stop()
        throw BenchmarkError("keyplan-server did not start within 10 s")
    }

    func stop() {
        process.terminate()
        process.waitUntilExit()
    }

    /// The server's counters: every `name value` line of its /metrics without labels.
    func metrics() async throws -> [String: Double] {
        let text = try await httpGet(port: metricsPort, path: "/metrics")
        var values: [String: Double] = [:]
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            let parts = line.split(separator: " ")
            if parts.count == 2, let value = Double(parts[1]) { values[String(parts[0])] = value }
        }
        return values
    }

    /// A port nobody listens on now.
    private static func freePort() throws -> Int {
        let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(socket) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(socket, $0, length) == 0 && getsockname(socket, $0, &length) == 0 }
        }
        guard bound else { throw BenchmarkError("cannot find a free port") }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    /// A blocking HTTP/1.0 GET on a thread of its own (the cooperative pool must not block).
    private func httpGet(port: Int, path: String) async throws -> String {
        try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread {
                let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
                defer { close(socket) }
                var address = sockaddr_in()
                address.sin_family = sa_family_t(AF_INET)
                address.sin_addr.s_addr = inet_addr("127.0.0.1")
                address.sin_port = UInt16(port).bigEndian
                let connected = withUnsafePointer(to: &address) {
                    $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
                }
                guard connected else {
                    continuation.resume(throwing: BenchmarkError("cannot connect to port \(port)"))
                    return
                }
                let request = Array("GET \(path) HTTP/1.0\r\nHost: localhost\r\n\r\n".utf8)
                _ = request.withUnsafeBytes { send(socket, $0.baseAddress, $0.count, 0) }
                var response: [UInt8] = []
                var buffer = [UInt8](repeating: 0, count: 65_536)
                while true {
                    let count = buffer.withUnsafeMutableBytes { recv(socket, $0.baseAddress, $0.count, 0) }
                    if count <= 0 { break }
                    response += buffer[0..<count]
                }
                continuation.resume(returning: String(decoding: response, as: UTF8.self))
            }
        }
    }
}

/// CPU time used so far by a process (`/proc/<pid>/stat`), or by every process of a name.
enum ProcessCPU {
    static func seconds(of pid: Int32) -> Double {
        stat("/proc/\(pid)/stat").map { $0.cpu } ?? 0
    }

    /// The CPU time of every process named `name` (all of PostgreSQL's processes: the postmaster
    /// counts its exited backends).
    static func seconds(ofEvery name: String) -> Double {
        let pids = (try? FileManager.default.contentsOfDirectory(atPath: "/proc"))?.compactMap(Int32.init) ?? []
        return pids.compactMap { stat("/proc/\($0)/stat") }.filter { $0.name == name }.reduce(0) { $0 + $1.cpu }
    }

    private static func stat(_ path: String) -> (name: String, cpu: Double)? {
        guard let line = try? String(contentsOfFile: path, encoding: .utf8),
            let open = line.firstIndex(of: "("), let close = line.lastIndex(of: ")")
        else { return nil }
        let fields = line[line.index(after: close)...].split(separator: " ")
        // utime, stime, and the waited-for children's cutime, cstime (fields 14 to 17): a
        // postmaster counts the backends that have exited.
        guard fields.count > 14 else { return nil }
        let ticks = fields[11...14].compactMap { Double($0) }.reduce(0, +)
        return (String(line[line.index(after: open)..<close]), ticks / Double(sysconf(Int32(_SC_CLK_TCK))))
    }
}
