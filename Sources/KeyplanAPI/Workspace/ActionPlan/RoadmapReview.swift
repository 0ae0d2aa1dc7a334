public import Foundation
public import KeyplanWire

/// A roadmap review with the customer — an executive review: planned, with an agenda both sides
/// build; held, with who attended from both sides, what was decided, the follow-up actions and when
/// the next one is due; signed off by one of the customer's people. Shared with the customer.
@WireMessage
public struct RoadmapReview: Codable, Hashable, Sendable {
    public var id: UUID
    public var accountID: UUID
    public var heldOn: CalendarDate
    /// Attendees with a user: the tenant's sellers and the account's customers.
    public var attendees: [Attendee]
    /// Attendees without a user, by name.
    public var guests: [String]
    public var decisions: [String]
    public var notes: String
    public var nextReviewOn: CalendarDate?
    public var version: Int
    public var createdBy: WorkspaceChange.Actor
    public var createdAt: Date
    public var updatedBy: WorkspaceChange.Actor
    public var updatedAt: Date
    /// Planned (the meeting is ahead: `heldOn` is its date) or held.
    public var status: ReviewStatus
    /// What to discuss, in order; a customer sees the items about shared records only.
    public var agenda: [AgendaItem]
    /// The actions agreed in the review; a customer sees the shared ones only.
    public var followUps: [ActionSummary]
    /// Who of the customer's people signed the review off, and when; any later change withdraws it.
    public var signOff: SignOff?

    enum CodingKeys: Int, CodingKey {
        case id = 1, accountID = 2, heldOn = 3, attendees = 4, guests = 5, decisions = 6, notes = 7, nextReviewOn = 8
        case version = 9, createdBy = 10, createdAt = 11, updatedBy = 12, updatedAt = 13, status = 14, agenda = 15, followUps = 16
        case signOff = 17
    }

    /// A user who attended, and on which side.
    public typealias Attendee = WorkspaceChange.Actor

    /// The fields of a review that can be emptied (``UpdateReviewRequest/clear``).
    public enum ClearableField: String, Codable, Hashable, Sendable, CaseIterable {
        case nextReviewOn = "next_review_on"
    }
}

/// Whether a review's meeting is still ahead.
public enum ReviewStatus: String, Codable, Hashable, Sendable, CaseIterable {
    case planned, held
}

/// One item of a review's agenda: its own title, and the goal or action it is about, if any.
@WireMessage
public struct AgendaItem: Codable, Hashable, Sendable {
    public var id: UUID
    public var position: Int
    public var title: String
    public var goalID: UUID?
    public var actionID: UUID?
    public var addedBy: WorkspaceChange.Actor

    enum CodingKeys: Int, CodingKey { case id = 1, position = 2, title = 3, goalID = 4, actionID = 5, addedBy = 6 }
}

/// A customer's sign-off of a held review.
@WireMessage
public struct SignOff: Codable, Hashable, Sendable {
    public var by: WorkspaceChange.Actor
    public var at: Date

    enum CodingKeys: Int, CodingKey { case by = 1, at = 2 }
}

/// A review that was held — or, with `planned`, one to prepare (its date is the meeting's).
@WireMessage
public struct RecordReviewRequest: Codable, Hashable, Sendable, AccountScoped {
    public var accountID: UUID
    public var heldOn: CalendarDate
    /// Users of either side: sellers of the tenant, customers of the account (at most 100).
    public var attendeeIDs: [UUID]
    /// People without a user (at most 100 names).
    public var guests: [String]
    public var decisions: [String]
    public var notes: String
    public var nextReviewOn: CalendarDate?
    /// A review to prepare: the meeting is ahead.
    public var planned: Bool?

    public init(
        accountID: UUID, heldOn: CalendarDate, attendeeIDs: [UUID] = [], guests: [String] = [], decisions: [String] = [],
        notes: String = "", nextReviewOn: CalendarDate? = nil, planned: Bool? = nil
    ) {
        self.accountID = accountID
        self.heldOn = heldOn
        self.attendeeIDs = attendeeIDs
        self.guests = guests
        self.decisions = decisions
        self.notes = notes
        self.nextReviewOn = nextReviewOn
        self.planned = planned
    }

    enum CodingKeys: Int, CodingKey {
        case accountID = 1, heldOn = 2, attendeeIDs = 3, guests = 4, decisions = 5, notes = 6, nextReviewOn = 7, planned = 8
    }
}

/// Changes to a review read at `expectedVersion` (the co-editing rule: ``CurrentRecord``): a
/// `nil` field is kept (an empty list is a change), a field in ``clear`` is emptied.
@WireMessage
public struct UpdateReviewRequest: Codable, Hashable, Sendable, AccountScoped {
    public var accountID: UUID
    public var reviewID: UUID
    public var expectedVersion: Int
    public var heldOn: CalendarDate?
    public var attendeeIDs: [UUID]?
    public var guests: [String]?
    public var decisions: [String]?
    public var notes: String?
    public var nextReviewOn: CalendarDate?
    public var clear: [RoadmapReview.ClearableField]
    /// `true`: the planned meeting took place (the customer's attendees are asked to sign it off).
    public var held: Bool?

    public init(
        accountID: UUID, reviewID: UUID, expectedVersion: Int, heldOn: CalendarDate? = nil, attendeeIDs: [UUID]? = nil,
        guests: [String]? = nil, decisions: [String]? = nil, notes: String? = nil, nextReviewOn: CalendarDate? = nil,
        clear: [RoadmapReview.ClearableField] = [], held: Bool? = nil
    ) {
        self.accountID = accountID
        self.reviewID = reviewID
        self.expectedVersion = expectedVersion
        self.heldOn = heldOn
        self.attendeeIDs = attendeeIDs
        self.guests = guests
        self.decisions = decisions
        self.notes = notes
        self.nextReviewOn = nextReviewOn
        self.clear = clear
        self.held = held
    }

    enum CodingKeys: Int, CodingKey {
        case accountID = 1, reviewID = 2, expectedVersion = 3, heldOn = 4, attendeeIDs = 5, guests = 6, decisions = 7
        case notes = 8, nextReviewOn = 9, clear = 10, held = 11
    }

    /// The fields both set and cleared, which a request may not name.
    public var contradictions: [RoadmapReview.ClearableField] {
        clear.filter { _ in nextReviewOn != nil }
    }
}

/// An account's reviews, most recent first.
@WireMessage
public struct ReviewList: Codable, Hashable, Sendable {
    public var reviews: [RoadmapReview]

    public init(reviews: [RoadmapReview]) { self.reviews = reviews }

    enum CodingKeys: Int, CodingKey { case reviews = 1 }
}

/// An item for a review's agenda, before or during the meeting; without a position it goes last.
/// At most one of `goalID` and `actionID`.
@WireMessage
public struct AddAgendaItemRequest: Codable, Hashable, Sendable, AccountScoped {
    public var accountID: UUID
    public var reviewID: UUID
    public var title: String
    public var goalID: UUID?
    public var actionID: UUID?
    public var position: Int?

    enum CodingKeys: Int, CodingKey { case accountID = 1, reviewID = 2, title = 3, goalID = 4, actionID = 5, position = 6 }
}

@WireMessage
public struct RemoveAgendaItemRequest: Codable, Hashable, Sendable, AccountScoped {
    public var accountID: UUID
    public var reviewID: UUID
    public var itemID: UUID

    enum CodingKeys: Int, CodingKey { case accountID = 1, reviewID = 2, itemID = 3 }
}

/// A follow-up action agreed in a held review: a new shared action of the plan, listed with the review.
@WireMessage
public struct AddFollowUpRequest: Codable, Hashable, Sendable, AccountScoped {
    public var accountID: UUID
    public var reviewID: UUID
    public var title: String
    /// Someone on the account (either side).
    public var ownerID: UUID?
    public var dueOn: CalendarDate?

    enum CodingKeys: Int, CodingKey { case accountID = 1, reviewID = 2, title = 3, ownerID = 4, dueOn = 5 }
}

/// A customer's sign-off of the review as read at `expectedVersion`.
@WireMessage
public struct SignOffReviewRequest: Codable, Hashable, Sendable, AccountScoped {
    public var accountID: UUID
    public var reviewID: UUID
    public var expectedVersion: Int

    enum CodingKeys: Int, CodingKey { case accountID = 1, reviewID = 2, expectedVersion = 3 }
}
