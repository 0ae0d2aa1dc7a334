import Foundation
import Testing

/// A real HAProxy (Debian's `haproxy`) in TCP mode on loopback, balancing Keyplan's RPC port over
/// server processes, as `docker-compose.yml` runs it: round robin, a TCP health check every 500 ms,
/// and a connection a refusing server turns away tried on another (`option redispatch`).
struct HAProxyProcess {
    let process: Process
    let port: Int
    let folder: URL

    static func start(backends: [Int]) async throws -> HAProxyProcess {
        let binary = ["/usr/sbin/haproxy", "/usr/bin/haproxy"].first(where: FileManager.default.isExecutableFile(atPath:))
        let haproxy = try #require(binary, "haproxy is not installed (apt-get install haproxy)")
        let port = try await freeLoopbackPort()
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("keyplan-haproxy-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let servers = backends.enumerated().map { index, backend in
            "    server keyplan\(index) 127.0.0.1:\(backend) check inter 500ms fall 1 rise 2"
        }
        let configuration = """
            global
                maxconn 4096
            defaults
                mode tcp
                retries 3
                option redispatch
                timeout connect 1s
                timeout client 5m
                timeout server 5m
            frontend rpc
                bind 127.0.0.1:\(port)
                default_backend keyplan
            backend keyplan
                balance roundrobin
            \(servers.joined(separator: "\n"))

            """
        let file = folder.appendingPathComponent("haproxy.cfg")
        try configuration.write(to: file, atomically: true, encoding: .utf8)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: haproxy)
        process.arguments = ["-db", "-f", file.path]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        // Listening once a connection is accepted.
        let deadline = ContinuousClock.now + .seconds(10)
        while ContinuousClock.now < deadline {
            if Self.accepts(port) { return HAProxyProcess(process: process, port: port, folder: folder) }
            try await Task.sleep(for: .milliseconds(50))
        }
        process.terminate()
        throw DeploymentFailure(message: "haproxy did not listen on \(port)")
    }

    func stop() {
        if process.isRunning { process.terminate() }
        process.waitUntilExit()
        try? FileManager.default.removeItem(at: folder)
    }

    private static func accepts(_ port: Int) -> Bool {
        let socket = Foundation.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard socket >= 0 else { return false }
        defer { close(socket) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
        }
    }
}

/// A deployment piece (HAProxy, the HA formation's script) that did not start or do its part.
struct DeploymentFailure: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}
