import ArgumentParser
import Foundation
import KeyplanAPI

/// `keyplan reviews`: roadmap reviews held with the customer.
struct ReviewsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reviews", abstract: "Roadmap reviews: date, attendees of both sides, decisions, the next review.",
        subcommands: [Record.self, Update.self, List.self])

    static func details(_ review: RoadmapReview) -> String {
        var lines = ["Review of \(review.heldOn)  [\(review.id.uuidString.lowercased()) v\(review.version)]"]
        let people = review.attendees.map { "\($0.displayName) (\($0.kind.rawValue))" } + review.guests.map { "\($0) (guest)" }
        lines.append("attendees: " + (people.isEmpty ? "-" : people.joined(separator: ", ")))
        lines += review.decisions.map { "decision: \($0)" }
        if !review.notes.isEmpty { lines.append("notes: \(review.notes)") }
        lines.append("next review: \(review.nextReviewOn?.description ?? "-")")
        return lines.joined(separator: "\n")
    }

    /// The fields `record` and `update` share.
    struct Fields: ParsableArguments {
        @Option(help: "A user who attended (either side); repeat for each.") var attendee: [UUID] = []
        @Option(help: "Someone without a user who attended; repeat for each.") var guest: [String] = []
        @Option(help: "A decision taken; repeat for each.") var decision: [String] = []
        @Option var notes: String?
    }

    struct Record: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Record a review that was held.")
        @Option(help: "The account's id.") var account: UUID
        @Option(help: "The day it was held, YYYY-MM-DD.") var heldOn: CalendarDate
        @Option(help: "The next review's date, YYYY-MM-DD.") var next: CalendarDate?
        @OptionGroup var fields: Fields
        @OptionGroup var options: GlobalOptions

        func run() async throws {
            let request = RecordReviewRequest(
                accountID: account, heldOn: heldOn, attendeeIDs: fields.attendee, guests: fields.guest, decisions: fields.decision,
                notes: fields.notes ?? "", nextReviewOn: next)
            let review = try await options.withClient { client, _ in try await client.recordReview(request) }
            try options.print(review) { ReviewsCommand.details(review) }
        }
    }

    struct Update: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Change a review; a list given (--attendee, --guest, --decision) replaces the old one.",
            discussion: "--next takes `none` to remove it. Without --version the version read now is used.")
        @Option(help: "The account's id.") var account: UUID
        @Argument(help: "The review's id.") var review: UUID
        @Option(help: "The version you read: a newer one refuses the change (ABORTED).") var version: Int?
        @Option(help: "YYYY-MM-DD.") var heldOn: CalendarDate?
        @Option(help: "YYYY-MM-DD, or none.") var next: Clearable<CalendarDate>?
        @OptionGroup var fields: Fields
        @OptionGroup var options: GlobalOptions

        func run() async throws {
            let updated = try await options.withClient { client, _ in
                let expected = try await expectedVersion(version) {
                    guard let current = try await client.listReviews(of: account).first(where: { $0.id == review }) else {
                        throw CLIError("no review \(review) in this account")
                    }
                    return current.version
                }
                let (next, clearNext) = Clearable.split(next)
                return try await client.updateReview(UpdateReviewRequest(
                    accountID: account, reviewID: review, expectedVersion: expected, heldOn: heldOn,
                    attendeeIDs: fields.attendee.isEmpty ? nil : fields.attendee, guests: fields.guest.isEmpty ? nil : fields.guest,
                    decisions: fields.decision.isEmpty ? nil : fields.decision, notes: fields.notes, nextReviewOn: next, clearNextReview: clearNext))
            }
            try options.print(updated) { ReviewsCommand.details(updated) }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "An account's reviews, most recent first.")
        @Option(help: "The account's id.") var account: UUID
        @OptionGroup var options: GlobalOptions

        func run() async throws {
            let reviews = try await options.withClient { client, _ in try await client.listReviews(of: account) }
            try options.print(reviews) { reviews.isEmpty ? "No reviews." : reviews.map(ReviewsCommand.details).joined(separator: "\n\n") }
        }
    }
}
