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

    @Flag(help: "Print the result as JSON (failures too: {\"error\": {\"code\", \"message\"}}).")
    var json = false

    @Option(help: "Seconds each call may take before it fails (0: no limit). Default: 30; an import 600; watch has none.")
    var timeout: Double?

    var configPath: String { ClientConfigFile.path(config) }

    /// The default limit of a call: a stalled server must not hang a command.
    static let defaultTimeout = Duration.seconds(30)

    func validate() throws {
        if let timeout, !(timeout >= 0 && timeout <= 86_400) { throw ValidationError("--timeout must be 0 to 86400 seconds") }
    }

    /// The limit each call of this command gets: `--timeout`, else the command's default.
    func callTimeout(default fallback: Duration?) -> Duration? {
        guard let timeout else { return fallback }
        return timeout == 0 ? nil : .milliseconds(Int64(timeout * 1000))
    }

    /// Runs `body` with a client for the chosen context, then closes it. Each call may take
    /// `--timeout` seconds, else `defaultTimeout` (`nil`: no limit, for streams that run on).
    /// Failures come out in the user's words (``CLIError``).
    func withClient<Result>(
        defaultTimeout: Duration? = GlobalOptions.defaultTimeout, _ body: (KeyplanClient, ClientConfigFile.Context) async throws -> Result
    ) async throws -> Result {
        try await reportingFailures {
            let file = try await ClientConfigFile.load(from: configPath)
            let (_, context) = try file.context(named: self.context)
            return try await Self.withClient(
                server: context.server, tls: context.tls ?? false, trustRoots: context.trustRoots, token: context.token,
                timeout: callTimeout(default: defaultTimeout)
            ) {
                try await body($0, context)
            }
        }
    }

    /// Runs `body` and reports what it throws as this command's failure: a server's status in
    /// the user's words (the code kept for `--json`), printed as JSON on standard output with
    /// `--json`.
    func reportingFailures<Result>(_ body: () async throws -> Result) async throws -> Result {
        do {
            return try await body()
        } catch let error as CLIError {
            throw try report(error)
        } catch let error as RPCError {
            throw try report(CLIError(error))
        }
    }

    private func report(_ error: CLIError) throws -> any Error {
        guard json else { return error }
        Swift.print(try error.json())
        return ExitCode.failure
    }

    /// Runs `body` with a client for `server` (`host:port`), then closes it. A connection that
    /// fails in a way TLS on one side only explains says so.
    static func withClient<Result>(
        server: String, tls: Bool, trustRoots: String?, token: String?, timeout: Duration? = GlobalOptions.defaultTimeout,
        _ body: (KeyplanClient) async throws -> Result
    ) async throws -> Result {
        let parts = server.split(separator: ":")
        guard parts.count == 2, let port = Int(parts[1]), (1...65535).contains(port) else {
            throw CLIError("the server must be host:port, got \"\(server)\"", code: "INVALID_ARGUMENT")
        }
        var configuration = ClientConfiguration(host: String(parts[0]), port: port)
        if tls { configuration.tls = ClientConfiguration.TLS(trustRootsPath: trustRoots) }
        let rpc = RPCClient(configuration: configuration)
        do {
            let result = try await body(KeyplanClient(rpc: rpc, token: token, timeout: timeout))
            await rpc.close()
            return result
        } catch let error as RPCError {
            await rpc.close()
            throw TLSMismatch.explain(error, server: server, clientUsesTLS: tls)
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
