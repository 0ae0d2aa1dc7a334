import ArgumentParser
import Foundation
import KeyplanAPI

/// `keyplan comments`: comments on goals, actions and roadmap reviews.
struct CommentsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "comments", abstract: "Comment on a goal, an action or a roadmap review; list the comments.",
        subcommands: [Add.self, List.self])

    static func line(_ comment: CommentView) -> String {
        let mentions = comment.mentions.isEmpty ? "" : " (mentions \(comment.mentions.map(\.displayName).joined(separator: ", ")))"
        return "\(comment.createdAt.localDescription)  \(comment.author.labelWithSide)  "
            + "\(comment.shared ? "shared" : "internal")  \(comment.body)\(mentions)"
    }

    /// The subject: exactly one of `--goal`, `--action`, `--review`.
    struct Subject: ParsableArguments {
        @OptionGroup var account: AccountOption
        @Option(help: "A goal: its title or id prefix.") var goal: String?
        @Option(help: "An action: its title or id prefix.") var action: String?
        @Option(help: "A roadmap review: the day it was held or its id prefix.") var review: String?

        func resolve(_ client: KeyplanClient) async throws -> (accountID: UUID, subject: CommentSubject) {
            guard [goal, action, review].compactMap({ $0 }).count == 1 else {
                throw CLIError("name what the comment is on: exactly one of --goal, --action, --review", code: "INVALID_ARGUMENT")
            }
            let accountID = try await account.id(client)
            if let goal { return (accountID, CommentSubject(.goal, try await Records.goal(goal, account: accountID, client).id)) }
            if let action { return (accountID, CommentSubject(.action, try await Records.action(action, account: accountID, client).id)) }
            return (accountID, CommentSubject(.review, try await Records.review(review ?? "", account: accountID, client).id))
        }
    }

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add a comment.",
            discussion: """
                A seller's comment is internal unless --shared; a customer's is always shared. Mentions must be people on the \
                account (`keyplan accounts participants`); an internal comment cannot mention a customer.

                Examples:
                  keyplan comments add --account Globex --goal "Grow EMEA" --body "Can we add a churn metric?" --mention dana@globex.example --shared
                  keyplan comments add --action "Run the pilot" --body "Blocked on IT sign-off"
                """)
        @OptionGroup var target: Subject
        @Option(help: "The comment.") var body: String
        @Flag(help: "Share a seller's comment with the customer.") var shared = false
        @Option(help: "Someone on the account to notify (email or name); repeat for several.") var mention: [String] = []
        @OptionGroup var options: GlobalOptions

        func run() async throws {
            let comment = try await options.withClient { client, _ in
                let (accountID, subject) = try await target.resolve(client)
                let mentions = mention.isEmpty ? [] : try await People.of(accountID, client).resolve(mention).map(\.userID)
                return try await client.addComment(
                    AddCommentRequest(
                        accountID: accountID, subject: subject, body: body, shared: shared ? true : nil, mentions: mentions))
            }
            try options.print(comment) { CommentsCommand.line(comment) }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "The comments on a goal, an action or a review, oldest first.",
            discussion: """
                Example:
                  keyplan comments list --account Globex --goal "Grow EMEA"
                """)
        @OptionGroup var target: Subject
        @Option(help: "At most this many (1 to 1000).") var limit: Int?
        @OptionGroup var options: GlobalOptions

        func run() async throws {
            let comments = try await options.withClient { client, _ in
                let (accountID, subject) = try await target.resolve(client)
                return try await client.comments(accountID: accountID, on: subject, limit: limit)
            }
            try options.print(comments) { comments.isEmpty ? "no comments" : comments.map(CommentsCommand.line).joined(separator: "\n") }
        }
    }
}
