import Foundation
import NIOPosix

/// The CLI's configuration: named contexts (server, tenant, token), one of them current, like
/// kubectl's. Stored as JSON, readable by its owner only (0600), in a 0700 folder.
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
            let data = try Data(contentsOf: URL(fileURLWithPath: path))
            do {
                return try JSONDecoder().decode(ClientConfigFile.self, from: data)
            } catch {
                throw CLIError("\(path) is not a valid keyplan configuration: \(error)")
            }
        }
    }

    /// Writes the file atomically with mode 0600 (its folder 0700): it holds credentials.
    func save(to path: String) async throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        let data = try encoder.encode(self)
        try await NIOThreadPool.singleton.runIfActive {
            let url = URL(fileURLWithPath: path)
            let folder = url.deletingLastPathComponent().path
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            Self.narrow(folder: folder)
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
            // A file that existed with a wider mode is narrowed too.
            chmod(path, 0o600)
        }
    }

    /// Narrows a folder that already existed to 0700 when it is the user's own (and not their
    /// home folder): the file in it holds credentials.
    private static func narrow(folder: String) {
        var status = stat()
        guard lstat(folder, &status) == 0, status.st_uid == geteuid(), (status.st_mode & S_IFMT) == S_IFDIR,
            status.st_mode & 0o777 != 0o700,
            URL(fileURLWithPath: folder).standardizedFileURL != FileManager.default.homeDirectoryForCurrentUser.standardizedFileURL
        else { return }
        chmod(folder, 0o700)
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

/// A failure the CLI reports as one line, with exit status 1.
struct CLIError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
