import ArgumentParser
import Foundation
import KeyplanLocalDatabase

/// `keyplan-server db start|stop|status`: the private local PostgreSQL cluster in `.keyplan/pg`.
struct DatabaseCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "db",
        abstract: "Manage the private local PostgreSQL cluster (.keyplan/pg).",
        subcommands: [Start.self, Stop.self, Status.self]
    )

    struct Start: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create and start the local cluster if needed, migrate, and print the server's database URL."
        )

        @OptionGroup var project: ProjectOptions

        @Flag(help: "Print the schema owner's URL (for migrations) instead of the server's.")
        var owner = false

        func run() async throws {
            let database = try await project.localCluster.start()
            print(owner ? database.ownerURL : database.appURL)
        }
    }

    struct Stop: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Stop the local cluster.")

        @OptionGroup var project: ProjectOptions

        func run() async throws {
            let wasRunning = try await project.localCluster.stop()
            print(wasRunning ? "stopped" : "not running")
        }
    }

    struct Status: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show whether the local cluster runs, and where.")

        @OptionGroup var project: ProjectOptions

        func run() async throws {
            print(try await project.localCluster.status())
        }
    }
}
