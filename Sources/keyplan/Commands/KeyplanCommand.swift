import ArgumentParser

/// `keyplan`: the command-line client. Each command group lives in its own file.
@main
struct KeyplanCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keyplan",
        abstract: "The Keyplan command-line client.",
        subcommands: [
            LoginCommand.self, LogoutCommand.self, WhoAmICommand.self, PasswordCommand.self, ContextCommand.self,
            UsersCommand.self, InvitationsCommand.self, SessionsCommand.self, APIKeysCommand.self,
            AccountsCommand.self, AuditCommand.self, PortfolioCommand.self, ImportCommand.self, ExportCommand.self,
            // The shared workspace (#7): goals and comments.
            GoalsCommand.self, CommentsCommand.self,

            // The relationship map.
            MapCommand.self,

            // Scorecards.
            ScorecardsCommand.self,

            // The action plan.
            ActionsCommand.self, ProcessCommand.self, JourneyCommand.self, ReviewsCommand.self,

            // The whitespace map.
            WhitespaceCommand.self,

            // History, activity, watch, notifications.
            HistoryCommand.self, ActivityCommand.self, WatchCommand.self, NotificationsCommand.self,

            // Health, coaching, analytics.
            HealthCommand.self, CoachingCommand.self, AnalyticsCommand.self,

            // Webhooks.
            WebhooksCommand.self,
        ]
    )
}
