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
        return "\(comment.createdAt.shortDescription)\t\(comment.author.displayName) (\(comment.author.kind.rawValue))\t"
            + "\(comment.shared ? "shared" : "internal")\t\(comment.body)\(mentions)"
    }

    /// The subject: exactly one of `--goal`, `--action`, `--review`.
    struct Subject: ParsableArguments {
        @Option(help: "The account's id.") var account: UUID
        @Option(help: "A goal's id.") var goal: UUID?
        @Option(help: "An action's id.") var action: UUID?
        @Option(help: "A roadmap review's id.") var review: UUID?

        func subject() throws -> CommentSubject {
            let given = [goal.map { CommentSubject(.goal, $0) }, action.map { CommentSubject(.action, $0) }, review.map { CommentSubject(.review, $0) }]
                .compactMap { $0 }
            guard given.count == 1, let subject = given.first else { throw CLIError("give exactly one of --goal, --action, --review") }
            return subject
        }
    }

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add a comment.",
            discussion: "A seller's comment is internal unless --shared; a customer's is always shared.")
        @OptionGroup var target: Subject
        @Option(help: "The comment.") var body: String
        @Flag(help: "Share a seller's comment with the customer.") var shared = false
        @Option(help: "A user id to notify (repeat for several).") var mention: [UUID] = []
        @OptionGroup var options: GlobalOptions

        func run() async throws {
            let request = AddCommentRequest(accountID: target.account, subject: try target.subject(), body: body, shared: shared ? true : nil, mentions: mention)
            let comment = try await options.withClient { client, _ in try await client.addComment(request) }
            try options.print(comment) { "\(comment.id)\t" + CommentsCommand.line(comment) }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "The comments on a subject, oldest first.")
        @OptionGroup var target: Subject
        @Option(help: "At most this many (1 to 1000).") var limit: Int?
        @OptionGroup var options: GlobalOptions

        func run() async throws {
            let subject = try target.subject()
            let comments = try await options.withClient { client, _ in try await client.comments(accountID: target.account, on: subject, limit: limit) }
            try options.print(comments) { comments.map(CommentsCommand.line).joined(separator: "\n") }
        }
    }
}
