import ArgumentParser

/// How to reach a server that is not yet a saved context: `--tls` and `--trust-roots`, saved
/// with the context the command creates.
struct TransportOptions: ParsableArguments {
    @Flag(help: "Speak TLS to the server.") var tls = false
    @Option(help: "A PEM file of certificates to trust instead of the system's.") var trustRoots: String?

    /// A context for `server` that reaches it the same way.
    func context(server: String, tenant: String? = nil, email: String?, token: String) -> ClientConfigFile.Context {
        ClientConfigFile.Context(server: server, tenant: tenant, email: email, token: token, tls: tls ? true : nil, trustRoots: trustRoots)
    }
}
