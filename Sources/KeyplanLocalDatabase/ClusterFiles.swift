import Foundation

/// The files the cluster keeps beside its data: where the server runs, and the generated passwords.
struct ClusterFiles: Sendable {
    let directory: URL

    /// Where the server's own files are (`data/`, `socket/`, `server.log`) and which port it uses.
    struct Layout: Codable, Sendable {
        var serverDirectory: String
        var socketDirectory: String
        var port: Int

        var dataDirectory: String { serverDirectory + "/data" }
        var logFile: String { serverDirectory + "/server.log" }
    }

    /// The generated passwords of the two login roles.
    struct Credentials: Codable, Sendable {
        var ownerPassword: String
        var appPassword: String

        static func generate() -> Credentials {
            Credentials(ownerPassword: randomSecret(), appPassword: randomSecret())
        }

        /// 128 random bits, hex: safe in URLs without escaping.
        private static func randomSecret() -> String {
            var generator = SystemRandomNumberGenerator()
            return (0..<2).map { _ in String(format: "%016llx", generator.next() as UInt64) }.joined()
        }
    }

    var lockPath: String { directory.appendingPathComponent("lock").path }
    private var layoutURL: URL { directory.appendingPathComponent("cluster.json") }
    private var credentialsURL: URL { directory.appendingPathComponent("credentials.json") }

    func readLayout() async throws -> Layout? { try await read(Layout.self, from: layoutURL) }
    func writeLayout(_ layout: Layout) async throws { try await write(layout, to: layoutURL) }

    /// The port and socket folder a running server of `layout`'s data folder listens on, from its
    /// `postmaster.pid` (lines 4 and 5); `nil` when the file is missing or not understood.
    func listeningAddress(of layout: Layout) async throws -> (port: Int, socketDirectory: String)? {
        let path = layout.dataDirectory + "/postmaster.pid"
        let text = try await blockingIO { try? String(contentsOfFile: path, encoding: .utf8) }
        guard let lines = text?.split(separator: "\n", omittingEmptySubsequences: false), lines.count >= 5,
            let port = Int(lines[3].trimmingCharacters(in: .whitespaces)), (1...65535).contains(port)
        else { return nil }
        let socketDirectory = lines[4].trimmingCharacters(in: .whitespaces)
        return (port, socketDirectory.isEmpty ? layout.socketDirectory : socketDirectory)
    }

    /// The stored passwords, generated and stored (mode 0600) on first use.
    func credentials() async throws -> Credentials {
        if let credentials = try await read(Credentials.self, from: credentialsURL) { return credentials }
        let credentials = Credentials.generate()
        try await write(credentials, to: credentialsURL)
        return credentials
    }

    /// Whether `initdb` has run for the layout.
    func hasData(_ layout: Layout) async throws -> Bool {
        try await blockingIO { FileManager.default.fileExists(atPath: layout.dataDirectory + "/PG_VERSION") }
    }

    private func read<Value: Decodable & Sendable>(_ type: Value.Type, from url: URL) async throws -> Value? {
        try await blockingIO {
            guard let data = FileManager.default.contents(atPath: url.path) else { return nil }
            return try? JSONDecoder().decode(type, from: data)
        }
    }

    private func write<Value: Encodable & Sendable>(_ value: Value, to url: URL) async throws {
        try await blockingIO {
            let data = try JSONEncoder().encode(value)
            guard FileManager.default.createFile(atPath: url.path, contents: data, attributes: [.posixPermissions: 0o600]) else {
                throw LocalClusterError("cannot write \(url.path)")
            }
        }
    }
}
