import Foundation
import NIOPosix

/// The CLI's configuration: named contexts (server, tenant, token), one of them current, like
/// kubectl's. Stored as JSON, readable by its owner only (0600); a folder the CLI creates for it
/// is 0700. A folder that already exists is never changed (it may be /tmp, or shared on purpose):
/// the file's own mode protects it.
struct ClientConfigFile: Codable, Sendable, Equatable {
    struct Context: Codable, Sendable, Equatable {
        /// `host:port`.
        var server: String
        var tenant: String?
        var email: String?
        /// A session token or API key.
        var token: String?
        /// Speak TLS to the server.
        var tls: Bool?
        /// A PEM file of certificates to trust instead of the system's.
        var trustRoots: String?
    }

    var currentContext: String?
    var contexts: [String: Context] = [:]

    /// `--config`, else `$KEYPLAN_CLIENT_CONFIG`, else `~/.config/keyplan/config.json`.
    static func path(_ override: String?) -> String {
        if let override { return override }
        if let fromEnvironment = ProcessInfo.processInfo.environment["KEYPLAN_CLIENT_CONFIG"] { return fromEnvironment }
        return FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".config/keyplan/config.json").path
    }

    /// The file's contents; empty when it does not exist. Read on a thread pool, not the cooperative pool.
    static func load(from path: String) async throws -> ClientConfigFile {
        try await NIOThreadPool.singleton.runIfActive {
            guard FileManager.default.fileExists(atPath: path) else { return ClientConfigFile() }
            Self.warnIfReadableByOthers(path)
            let data = try Data(contentsOf: URL(fileURLWithPath: path))
            do {
                return try JSONDecoder().decode(ClientConfigFile.self, from: data)
            } catch {
                throw CLIError("\(path) is not a valid keyplan configuration: \(error)")
            }
        }
    }

    /// Writes the file atomically with mode 0600 (a folder created for it 0700): it holds credentials.
    func save(to path: String) async throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        let data = try encoder.encode(self)
        try await NIOThreadPool.singleton.runIfActive {
            let url = URL(fileURLWithPath: path)
            let folder = url.deletingLastPathComponent().path
            if !FileManager.default.fileExists(atPath: folder) {
                try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            }
            // A name no one can guess, created here or not at all: never through a link planted beforehand.
            let temporary = folder + "/.\(url.lastPathComponent).\(String(UInt64.random(in: .min ... .max), radix: 16)).tmp"
            let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
            guard descriptor >= 0 else { throw CLIError("cannot write \(temporary): \(String(cString: strerror(errno)))") }
            let handle = FileHandle(fileDescriptor: descriptor, closeOnDealloc: true)
            try handle.write(contentsOf: data)
            try handle.synchronize()
            try handle.close()
            guard rename(temporary, path) == 0 else {
                unlink(temporary)
                throw CLIError("cannot replace \(path): \(String(cString: strerror(errno)))")
            }
        }
    }

    /// Warns on standard error when the file can be read by others than its owner: its tokens
    /// are then anyone's. Only a warning: the mode may be deliberate, and the CLI's next save
    /// writes the file 0600 anyway.
    private static func warnIfReadableByOthers(_ path: String) {
        var status = stat()
        guard stat(path, &status) == 0, status.st_mode & 0o077 != 0 else { return }
        let mode = String(status.st_mode & 0o777, radix: 8)
        FileHandle.standardError.write(
            Data(
                "warning: \(path) holds credentials and others can read it (mode \(mode)); run: chmod 600 \(path)\n".utf8))
    }

    /// The named context, or the current one.
    func context(named name: String?) throws -> (name: String, context: Context) {
        guard let name = name ?? currentContext else {
            throw CLIError("no context: run `keyplan login` first")
        }
        guard let context = contexts[name] else {
            throw CLIError("no context named \"\(name)\" (known: \(contexts.keys.sorted().joined(separator: ", ")))")
        }
        return (name, context)
    }
}
