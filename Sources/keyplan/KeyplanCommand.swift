import ArgumentParser

/// `keyplan`: the command-line client. Each command group lives in its own file.
@main
struct KeyplanCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keyplan",
        abstract: "The Keyplan command-line client.",
        subcommands: [
            LoginCommand.self, LogoutCommand.self, WhoAmICommand.self, ContextCommand.self,
            UsersCommand.self, InvitationsCommand.self, SessionsCommand.self, APIKeysCommand.self,
            AccountsCommand.self, AuditCommand.self, PortfolioCommand.self, ImportCommand.self,
            // The shared workspace (#7): goals and comments.

            // The relationship map.

            // Scorecards.

            // The action plan.

            // History, activity, watch, notifications.
            HistoryCommand.self, ActivityCommand.self, WatchCommand.self, NotificationsCommand.self,
        ]
    )
}
