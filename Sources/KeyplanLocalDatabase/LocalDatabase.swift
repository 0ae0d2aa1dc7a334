/// A database of the local cluster, with URLs for the two roles.
public struct LocalDatabase: Sendable, Hashable {
    /// The database name.
    public var name: String
    /// The server's URL: role `keyplan_app` (owns nothing, subject to row-level security), over loopback TCP.
    public var appURL: String
    /// The owner's URL: role `keyplan_owner` (owns the schema, runs migrations), over loopback TCP.
    public var ownerURL: String
    /// The loopback port the cluster listens on.
    public var port: Int
}

/// A snapshot of the local cluster.
public struct LocalClusterStatus: Sendable, Hashable, CustomStringConvertible {
    /// Whether `initdb` has run.
    public var exists: Bool
    /// Whether the server is running.
    public var isRunning: Bool
    /// The port recorded for the cluster, if any.
    public var port: Int?
    /// The data directory.
    public var dataDirectory: String

    public var description: String {
        guard exists else { return "no local cluster at \(dataDirectory)" }
        let state = isRunning ? "running" : "stopped"
        return "local cluster \(state)" + (port.map { " on 127.0.0.1:\($0)" } ?? "") + ", data in \(dataDirectory)"
    }
}
