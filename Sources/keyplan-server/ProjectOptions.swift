import ArgumentParser
import Foundation
import KeyplanLocalDatabase

/// Options naming the project whose private local database a command uses.
struct ProjectOptions: ParsableArguments {
    @Option(help: "The project folder (holds Schema/ and .keyplan/). Default: $KEYPLAN_PROJECT_DIR, else the current folder.")
    var projectDir: String?

    @Option(help: "The loopback port for a new local cluster (a busy port is replaced by a free one). Default: 54329.")
    var clusterPort: Int?

    @Option(help: "The folder of NNNN_name.sql migrations. Default: <project>/Schema.")
    var schemaDir: String?

    @Option(help: "The cluster's folder. Default: <project>/.keyplan/pg (the tests' cluster is <project>/.keyplan/pg-test).")
    var clusterDir: String?

    var projectDirectory: URL {
        let path = projectDir ?? ProcessInfo.processInfo.environment["KEYPLAN_PROJECT_DIR"] ?? FileManager.default.currentDirectoryPath
        return URL(fileURLWithPath: path, isDirectory: true).standardizedFileURL
    }

    var schemaDirectory: URL {
        schemaDir.map { URL(fileURLWithPath: $0, isDirectory: true) } ?? projectDirectory.appendingPathComponent("Schema")
    }

    var localCluster: LocalCluster {
        var configuration = LocalClusterConfiguration.defaults(projectDirectory: projectDirectory)
        if let clusterPort { configuration.port = clusterPort }
        if let clusterDir { configuration.directory = URL(fileURLWithPath: clusterDir, isDirectory: true) }
        configuration.schemaDirectory = schemaDirectory
        return LocalCluster(configuration: configuration)
    }

    /// The server role's database URL: `given`, else `$KEYPLAN_DATABASE_URL`, else the local
    /// cluster's (started if needed).
    func databaseURL(given: String?) async throws -> String {
        if let given = given ?? ProcessInfo.processInfo.environment["KEYPLAN_DATABASE_URL"] { return given }
        return try await localCluster.start().appURL
    }
}
