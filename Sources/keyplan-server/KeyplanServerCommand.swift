import ArgumentParser

/// `keyplan-server`: the root command. Each subcommand lives in its own file; add one by
/// listing it in `subcommands`.
@main
struct KeyplanServerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keyplan-server",
        abstract: "The Keyplan server.",
        subcommands: [ServeCommand.self, DatabaseCommand.self, MigrateCommand.self, TenantCommand.self, DemoCommand.self]
    )
}
