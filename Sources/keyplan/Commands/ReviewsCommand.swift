import ArgumentParser
import Foundation
import KeyplanAPI

extension RoadmapReview: ShownRecord {
    static var noun: String { "review" }
    var details: String { ReviewsCommand.details(self) }
}

/// `keyplan reviews`: roadmap reviews held with the customer.
struct ReviewsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reviews", abstract: "Roadmap reviews: date, attendees of both sides, decisions, the next review.",
        subcommands: [Record.self, Update.self, List.self])

    static func details(_ review: RoadmapReview) -> String {
        var lines = ["Review of \(review.heldOn)  [\(review.id.short) v\(review.version)]"]
        let people = review.attendees.map { "\($0.displayName) (\($0.kind.rawValue))" } + review.guests.map { "\($0) (guest)" }
        lines.append("attendees: " + (people.isEmpty ? "-" : people.joined(separator: ", ")))
        lines += review.decisions.map { "decision: \($0)" }
        if !review.notes.isEmpty { lines.append("notes: \(review.notes)") }
        lines.append("next review: \(review.nextReviewOn?.description ?? "-")")
        lines.append("changed by \(review.updatedBy.labelWithSide) at \(review.updatedAt.localDescription)")
        return lines.joined(separator: "\n")
    }

    /// The fields `record` and `update` share.
    struct Fields: ParsableArguments {
        @Option(help: "Someone on the account who attended (email or name, or me); repeat for each.") var attendee: [String] = []
        @Option(help: "Someone without a user who attended; repeat for each.") var guest: [String] = []
        @Option(help: "A decision taken; repeat for each.") var decision: [String] = []
        @Option var notes: String?

        func attendeeIDs(account: UUID, _ client: KeyplanClient) async throws -> [UUID]? {
            guard !attendee.isEmpty else { return nil }
            return try await People.of(account, client).resolve(attendee).map(\.userID)
        }
    }

    struct Record: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Record a review that was held.",
            discussion: """
                Example:
                  keyplan reviews record --account Globex --held-on 2026-12-01 --attendee me --attendee dana@globex.example \\
                    --decision "Extend the pilot to Nice" --next 2027-03-01
                """)
        @OptionGroup var account: AccountOption
        @Option(help: "The day it was held, YYYY-MM-DD.") var heldOn: CalendarDate
        @Option(help: "The next review's date, YYYY-MM-DD.") var next: CalendarDate?
        @OptionGroup var fields: Fields
        @OptionGroup var options: GlobalOptions

        func run() async throws {
            let review = try await options.withClient { client, _ in
                let accountID = try await account.id(client)
                return try await client.recordReview(RecordReviewRequest(
                    accountID: accountID, heldOn: heldOn, attendeeIDs: try await fields.attendeeIDs(account: accountID, client) ?? [],
                    guests: fields.guest, decisions: fields.decision, notes: fields.notes ?? "", nextReviewOn: next))
            }
            try options.print(review) { ReviewsCommand.details(review) }
        }
    }

    struct Update: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Change a review: only what you give; a list given (--attendee, --guest, --decision) replaces the old one.",
            discussion: """
                \(CoEditingHelp.rule) --next takes `none` to remove it.

                Example:
                  keyplan reviews update 2026-12-01 --account Globex --version 1 --decision "Extend the pilot" --next none
                """)
        @Argument(help: "The review: the day it was held, or a unique prefix of its id.") var review: String
        @OptionGroup var account: AccountOption
        @Option(help: ArgumentHelp(CoEditingHelp.version)) var version: Int
        @Option(help: "YYYY-MM-DD.") var heldOn: CalendarDate?
        @Option(help: "YYYY-MM-DD, or none.") var next: Clearable<CalendarDate>?
        @OptionGroup var fields: Fields
        @OptionGroup var options: GlobalOptions

        func run() async throws {
            let updated = try await options.withClient { client, _ in
                let accountID = try await account.id(client)
                let found = try await Records.review(review, account: accountID, client)
                var request = UpdateReviewRequest(
                    accountID: accountID, reviewID: found.id, expectedVersion: version, heldOn: heldOn,
                    attendeeIDs: try await fields.attendeeIDs(account: accountID, client), guests: fields.guest.isEmpty ? nil : fields.guest,
                    decisions: fields.decision.isEmpty ? nil : fields.decision, notes: fields.notes, nextReviewOn: next?.value)
                if next?.clears == true { request.clear = [.nextReviewOn] }
                return try await options.coEditing(RoadmapReview.self, read: version) { try await client.updateReview(request) }
            }
            try options.print(updated) { ReviewsCommand.details(updated) }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "An account's reviews, most recent first.",
            discussion: """
                Example:
                  keyplan reviews list --account Globex
                """)
        @OptionGroup var account: AccountOption
        @OptionGroup var options: GlobalOptions

        func run() async throws {
            let reviews = try await options.withClient { client, _ in try await client.listReviews(of: try await account.id(client)) }
            try options.print(reviews) { reviews.isEmpty ? "No reviews." : reviews.map(ReviewsCommand.details).joined(separator: "\n\n") }
        }
    }
}
