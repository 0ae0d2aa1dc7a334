import ArgumentParser
import Foundation
import KeyplanAPI
import KeyplanRPC

/// Options of every command: which configuration and context, and the output format.
struct GlobalOptions: ParsableArguments {
    @Option(help: "The context to use. Default: the current one (see `keyplan context`).")
    var context: String?

    @Option(help: "The configuration file. Default: $KEYPLAN_CLIENT_CONFIG, else ~/.config/keyplan/config.json.")
    var config: String?

    @Flag(help: "Print the result as JSON.")
    var json = false

    var configPath: String { ClientConfigFile.path(config) }

    /// Runs `body` with a client for the chosen context, then closes it.
    func withClient<Result>(_ body: (KeyplanClient, ClientConfigFile.Context) async throws -> Result) async throws -> Result {
        let file = try await ClientConfigFile.load(from: configPath)
        let (_, context) = try file.context(named: self.context)
        return try await Self.withClient(server: context.server, tls: context.tls ?? false, trustRoots: context.trustRoots, token: context.token) {
            try await body($0, context)
        }
    }

    /// Runs `body` with a client for `server` (`host:port`), then closes it.
    static func withClient<Result>(
        server: String, tls: Bool, trustRoots: String?, token: String?, _ body: (KeyplanClient) async throws -> Result
    ) async throws -> Result {
        let parts = server.split(separator: ":")
        guard parts.count == 2, let port = Int(parts[1]), (1...65535).contains(port) else {
            throw CLIError("the server must be host:port, got \"\(server)\"")
        }
        var configuration = ClientConfiguration(host: String(parts[0]), port: port)
        if tls { configuration.tls = ClientConfiguration.TLS(trustRootsPath: trustRoots) }
        let rpc = RPCClient(configuration: configuration)
        do {
            let result = try await body(KeyplanClient(rpc: rpc, token: token))
            await rpc.close()
            return result
        } catch let error as RPCError {
            await rpc.close()
            throw CLIError("\(error.code): \(error.message)")
        } catch {
            await rpc.close()
            throw error
        }
    }

    /// Prints `value` as JSON with `--json`, else as `text`.
    func print<Value: Encodable>(_ value: Value, text: () -> String) throws {
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            encoder.dateEncodingStrategy = .iso8601
            Swift.print(String(decoding: try encoder.encode(value), as: UTF8.self))
        } else {
            Swift.print(text())
        }
    }
}

/// Reads one line (a password or token) from standard input.
func readSecretLine(_ what: String) throws -> String {
    guard let line = readLine(strippingNewline: true), !line.isEmpty else {
        throw CLIError("expected the \(what) on standard input")
    }
    return line
}

extension Date {
    var shortDescription: String { ISO8601DateFormatter().string(from: self) }
}
