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
        commandName: "reviews",
        abstract: "Executive (roadmap) reviews with the customer: planned with an agenda, held, followed up, signed off.",
        subcommands: [Record.self, Update.self, List.self, Agenda.self, FollowUp.self, SignOff.self])

    static func details(_ review: RoadmapReview) -> String {
        var lines = ["Review of \(review.heldOn), \(review.status.rawValue)  [\(review.id.short) v\(review.version)]"]
        let people = review.attendees.map { "\($0.displayName) (\($0.kind.rawValue))" } + review.guests.map { "\($0) (guest)" }
        lines.append("attendees: " + (people.isEmpty ? "-" : people.joined(separator: ", ")))
        lines += review.agenda.map { "agenda: \($0.position). \($0.title) (\($0.addedBy.displayName))" }
        lines += review.decisions.map { "decision: \($0)" }
        lines += review.followUps.map { "follow-up: \($0.title) (\($0.status.rawValue))" }
        if let signOff = review.signOff { lines.append("signed off by \(signOff.by.labelWithSide) at \(signOff.at.localDescription)") }
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
            abstract: "Record a review that was held, or plan one (--planned) to build its agenda before the meeting.",
            discussion: """
                Examples:
                  keyplan reviews record --account Globex --held-on 2026-12-01 --attendee me --attendee dana@globex.example \\
                    --decision "Extend the pilot to Nice" --next 2027-03-01
                  keyplan reviews record --account Globex --held-on 2027-01-15 --planned --attendee me --attendee dana@globex.example
                """)
        @OptionGroup var account: AccountOption
        @Option(help: "The day it was (or will be) held, YYYY-MM-DD.") var heldOn: CalendarDate
        @Flag(help: "The meeting is ahead: plan it, and build its agenda with the customer.") var planned = false
        @Option(help: "The next review's date, YYYY-MM-DD.") var next: CalendarDate?
        @OptionGroup var fields: Fields
        @OptionGroup var options: GlobalOptions

        func run() async throws {
            let review = try await options.withClient { client, _ in
                let accountID = try await account.id(client)
                return try await client.recordReview(
                    RecordReviewRequest(
                        accountID: accountID, heldOn: heldOn, attendeeIDs: try await fields.attendeeIDs(account: accountID, client) ?? [],
                        guests: fields.guest, decisions: fields.decision, notes: fields.notes ?? "", nextReviewOn: next,
                        planned: planned ? true : nil))
            }
            try options.print(review) { ReviewsCommand.details(review) }
        }
    }

    struct Update: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Change a review: only what you give; a list given (--attendee, --guest, --decision) replaces the old one.",
            discussion: """
                \(CoEditingHelp.rule) --next takes `none` to remove it. --held marks a planned review as held: the customer's \
                attendees are asked to sign it off. Any change withdraws a sign-off.

                Example:
                  keyplan reviews update 2026-12-01 --account Globex --version 1 --decision "Extend the pilot" --next none --held
                """)
        @Argument(help: "The review: the day it was held, or a unique prefix of its id.") var review: String
        @OptionGroup var account: AccountOption
        @Option(help: ArgumentHelp(CoEditingHelp.version)) var version: Int
        @Option(help: "YYYY-MM-DD.") var heldOn: CalendarDate?
        @Option(help: "YYYY-MM-DD, or none.") var next: Clearable<CalendarDate>?
        @Flag(help: "The planned meeting took place.") var held = false
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
                if held { request.held = true }
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

    /// The review a command is about, and its account.
    struct ReviewTarget: ParsableArguments {
        @Argument(help: "The review: its date, or a unique prefix of its id.") var review: String
        @OptionGroup var account: AccountOption

        func resolve(_ client: KeyplanClient) async throws -> RoadmapReview {
            try await Records.review(review, account: try await account.id(client), client)
        }
    }

    struct Agenda: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add an item to a review's agenda, or remove one (either side, before or during the meeting).",
            discussion: """
                An item may be about a goal (--goal) or an action (--action) of the plan; one about an internal action stays \
                among the sellers.

                Examples:
                  keyplan reviews agenda 2027-01-15 --account Globex --title "Downtime results" --goal "Cut downtime"
                  keyplan reviews agenda 2027-01-15 --account Globex --remove "Downtime results"
                """)
        @OptionGroup var target: ReviewTarget
        @Option(help: "The item to add.") var title: String?
        @Option(help: "The goal it is about (its title).") var goal: String?
        @Option(help: "The action it is about (its title).") var action: String?
        @Option(help: "The item to remove (its title, or a unique prefix of its id).") var remove: String?
        @OptionGroup var options: GlobalOptions

        func validate() throws {
            if (title == nil) == (remove == nil) { throw ValidationError("give --title to add an item, or --remove to remove one") }
            if remove != nil, goal != nil || action != nil { throw ValidationError("--goal and --action go with --title") }
        }

        func run() async throws {
            let review = try await options.withClient { client, _ in
                let review = try await target.resolve(client)
                if let remove {
                    let item = try Reference.named("agenda item", review.agenda, name: \.title, id: \.id).resolve(remove)
                    return try await client.removeAgendaItem(accountID: review.accountID, reviewID: review.id, itemID: item.id)
                }
                let goalID = try await goal.asyncMap { try await Records.goal($0, account: review.accountID, client).id }
                let actionID = try await action.asyncMap { try await Records.action($0, account: review.accountID, client).id }
                return try await client.addAgendaItem(
                    AddAgendaItemRequest(accountID: review.accountID, reviewID: review.id, title: title ?? "", goalID: goalID, actionID: actionID))
            }
            try options.print(review) { ReviewsCommand.details(review) }
        }
    }

    struct FollowUp: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "follow-up", abstract: "Record an action agreed in a held review: a new shared action of the plan.",
            discussion: """
                Example:
                  keyplan reviews follow-up 2027-01-15 --account Globex --title "Send the pilot plan" --owner dana@globex.example --due 2027-02-01
                """)
        @OptionGroup var target: ReviewTarget
        @Option var title: String
        @Option(help: "Who does it: someone on the account (email or name, or me).") var owner: String?
        @Option(help: "YYYY-MM-DD.") var due: CalendarDate?
        @OptionGroup var options: GlobalOptions

        func run() async throws {
            let review = try await options.withClient { client, _ in
                let review = try await target.resolve(client)
                let ownerID = try await owner.asyncMap { try await People.of(review.accountID, client).resolve($0).userID }
                return try await client.addFollowUp(
                    AddFollowUpRequest(accountID: review.accountID, reviewID: review.id, title: title, ownerID: ownerID, dueOn: due))
            }
            try options.print(review) { ReviewsCommand.details(review) }
        }
    }

    struct SignOff: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "sign-off", abstract: "Sign off a held review, as the customer, at the version you read.",
            discussion: """
                Example (Fabrikam's VP, whose one account needs no --account):
                  keyplan reviews sign-off 2027-01-15 --version 3
                """)
        @OptionGroup var target: ReviewTarget
        @Option(help: ArgumentHelp(CoEditingHelp.version)) var version: Int
        @OptionGroup var options: GlobalOptions

        func run() async throws {
            let review = try await options.withClient { client, _ in
                let review = try await target.resolve(client)
                return try await options.coEditing(RoadmapReview.self, read: version) {
                    try await client.signOffReview(accountID: review.accountID, reviewID: review.id, expectedVersion: version)
                }
            }
            try options.print(review) { ReviewsCommand.details(review) }
        }
    }
}
