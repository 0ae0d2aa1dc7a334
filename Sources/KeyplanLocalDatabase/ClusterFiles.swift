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

    func readLayout() -> Layout? { read(Layout.self, from: layoutURL) }
    func writeLayout(_ layout: Layout) throws { try write(layout, to: layoutURL) }

    /// The stored passwords, generated and stored (mode 0600) on first use.
    func credentials() throws -> Credentials {
        if let credentials = read(Credentials.self, from: credentialsURL) { return credentials }
        let credentials = Credentials.generate()
        try write(credentials, to: credentialsURL)
        return credentials
    }

    private func read<Value: Decodable>(_ type: Value.Type, from url: URL) -> Value? {
        guard let data = FileManager.default.contents(atPath: url.path) else { return nil }
        return try? JSONDecoder().decode(type, from: data)
    }

    private func write<Value: Encodable>(_ value: Value, to url: URL) throws {
        let data = try JSONEncoder().encode(value)
        guard FileManager.default.createFile(atPath: url.path, contents: data, attributes: [.posixPermissions: 0o600]) else {
            throw LocalClusterError("cannot write \(url.path)")
        }
    }
}
