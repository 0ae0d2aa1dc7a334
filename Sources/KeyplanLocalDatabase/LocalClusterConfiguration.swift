public import Foundation

/// Where the private local cluster lives and how it runs.
public struct LocalClusterConfiguration: Sendable {
    /// The cluster's folder: data, socket, log, generated passwords. Default: `<project>/.keyplan/pg`.
    public var directory: URL
    /// The preferred loopback TCP port; if it is taken when the cluster starts, a free port is
    /// used and remembered. `nil` picks any free port. Default: 54329.
    public var port: Int?
    /// Whether the server syncs to disk. Default: `true`. Tests turn it off (`fsync=off`) for speed.
    public var durable: Bool
    /// The `NNNN_name.sql` migrations. Default: `<project>/Schema`.
    public var schemaDirectory: URL
    /// The application's database. Default: `keyplan`.
    public var databaseName: String

    /// The defaults for a project folder: `.keyplan/pg`, port 54329, durable, `Schema/`, database `keyplan`.
    public static func defaults(projectDirectory: URL) -> LocalClusterConfiguration {
        LocalClusterConfiguration(
            directory: projectDirectory.appendingPathComponent(".keyplan/pg"),
            port: 54329,
            durable: true,
            schemaDirectory: projectDirectory.appendingPathComponent("Schema"),
            databaseName: "keyplan"
        )
    }

    /// For test runs: `.keyplan/pg-test` (apart from the development data), any free port, not durable.
    public static func testing(projectDirectory: URL) -> LocalClusterConfiguration {
        var configuration = defaults(projectDirectory: projectDirectory)
        configuration.directory = projectDirectory.appendingPathComponent(".keyplan/pg-test")
        configuration.port = nil
        configuration.durable = false
        return configuration
    }

    public init(directory: URL, port: Int?, durable: Bool, schemaDirectory: URL, databaseName: String) {
        self.directory = directory
        self.port = port
        self.durable = durable
        self.schemaDirectory = schemaDirectory
        self.databaseName = databaseName
    }
}
