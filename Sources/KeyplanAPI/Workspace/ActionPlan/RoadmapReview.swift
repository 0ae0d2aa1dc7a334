import Foundation
import KeyplanWire

/// A roadmap review held with the customer: when, who attended from both sides, what was
/// decided, and when the next one is due. Shared with the customer.
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

    public init(
        id: UUID, accountID: UUID, heldOn: CalendarDate, attendees: [Attendee], guests: [String], decisions: [String], notes: String,
        nextReviewOn: CalendarDate?, version: Int, createdBy: WorkspaceChange.Actor, createdAt: Date, updatedBy: WorkspaceChange.Actor,
        updatedAt: Date
    ) {
        self.id = id
        self.accountID = accountID
        self.heldOn = heldOn
        self.attendees = attendees
        self.guests = guests
        self.decisions = decisions
        self.notes = notes
        self.nextReviewOn = nextReviewOn
        self.version = version
        self.createdBy = createdBy
        self.createdAt = createdAt
        self.updatedBy = updatedBy
        self.updatedAt = updatedAt
    }

    enum CodingKeys: Int, CodingKey {
        case id = 1, accountID, heldOn, attendees, guests, decisions, notes, nextReviewOn, version, createdBy, createdAt, updatedBy, updatedAt
    }

    /// A user who attended, and on which side.
    public typealias Attendee = WorkspaceChange.Actor

    /// The fields of a review that can be emptied (``UpdateReviewRequest/clear``).
    public enum ClearableField: String, Codable, Hashable, Sendable, CaseIterable {
        case nextReviewOn = "next_review_on"
    }
}

/// A review that was held.
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

    public init(
        accountID: UUID, heldOn: CalendarDate, attendeeIDs: [UUID] = [], guests: [String] = [], decisions: [String] = [],
        notes: String = "", nextReviewOn: CalendarDate? = nil
    ) {
        self.accountID = accountID
        self.heldOn = heldOn
        self.attendeeIDs = attendeeIDs
        self.guests = guests
        self.decisions = decisions
        self.notes = notes
        self.nextReviewOn = nextReviewOn
    }

    enum CodingKeys: Int, CodingKey { case accountID = 1, heldOn, attendeeIDs, guests, decisions, notes, nextReviewOn }
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

    public init(
        accountID: UUID, reviewID: UUID, expectedVersion: Int, heldOn: CalendarDate? = nil, attendeeIDs: [UUID]? = nil,
        guests: [String]? = nil, decisions: [String]? = nil, notes: String? = nil, nextReviewOn: CalendarDate? = nil,
        clear: [RoadmapReview.ClearableField] = []
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
    }

    enum CodingKeys: Int, CodingKey {
        case accountID = 1, reviewID, expectedVersion, heldOn, attendeeIDs, guests, decisions, notes, nextReviewOn, clear
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
