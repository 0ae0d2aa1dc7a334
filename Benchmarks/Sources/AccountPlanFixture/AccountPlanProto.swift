import Foundation
import SwiftProtobuf

// The account plan as SwiftProtobuf messages, written by hand in the style `protoc-gen-swift` generates, so that
// the benchmark needs no protoc step. The equivalent .proto:
//
//   message Money { sint64 minor_units = 1; string currency = 2; }
//   message Account { bytes id = 1; string name = 2; string industry = 3; string region = 4;
//                     optional string website = 5; Money annual_revenue = 6; int32 employee_count = 7; }
//   message Revenue { string period = 1; Money amount = 2; bool is_forecast = 3; }
//   message Metric { string name = 1; double target = 2; double actual = 3; string unit = 4; }
//   message Goal { bytes id = 1; string title = 2; string summary = 3; bytes owner_id = 4;
//                  sfixed64 due_date_micros = 5; GoalStatus status = 6; repeated Metric metrics = 7; }
//   message Contact { bytes id = 1; string name = 2; string title = 3; string email = 4; optional string phone = 5;
//                     ContactRole role = 6; int32 influence = 7; bool is_champion = 8; }
//   message Action { bytes id = 1; string title = 2; optional bytes goal_id = 3; bytes owner_id = 4;
//                    sfixed64 due_date_micros = 5; optional sfixed64 completed_at_micros = 6; ActionStatus status = 7;
//                    int32 priority = 8; string notes = 9; }
//   message Criterion { string name = 1; int32 score = 2; double weight = 3; string comment = 4; }
//   message Scorecard { double overall = 1; repeated Criterion criteria = 2; }
//   message AccountPlan { bytes id = 1; bytes tenant_id = 2; string name = 3; Account account = 4;
//                         repeated Revenue revenues = 5; repeated Goal goals = 6; repeated Contact contacts = 7;
//                         repeated Action actions = 8; Scorecard scorecard = 9; sfixed64 created_at_micros = 10;
//                         sfixed64 updated_at_micros = 11; int64 version = 12; }
//
// Dates are microseconds since 1970 and UUIDs 16 bytes, as in Keyplan's encoding.

/// Equality for the hand-written messages, which SwiftProtobuf's generated code would otherwise provide.
public protocol HandWrittenMessage: SwiftProtobuf.Message, Equatable {}

extension HandWrittenMessage {
    public func isEqualTo(message: any SwiftProtobuf.Message) -> Bool {
        (message as? Self) == self
    }
}

public struct PBMoney: HandWrittenMessage {
    public static let protoMessageName = "keyplan.bench.Money"
    public var minorUnits: Int64 = 0
    public var currency = ""
    public var unknownFields = UnknownStorage()
    public init() {}

    public mutating func decodeMessage<D: SwiftProtobuf.Decoder>(decoder: inout D) throws {
        while let fieldNumber = try decoder.nextFieldNumber() {
            switch fieldNumber {
            case 1: try decoder.decodeSingularSInt64Field(value: &self.minorUnits)
            case 2: try decoder.decodeSingularStringField(value: &self.currency)
            default: break
            }
        }
    }

    public func traverse<V: Visitor>(visitor: inout V) throws {
        if self.minorUnits != 0 { try visitor.visitSingularSInt64Field(value: self.minorUnits, fieldNumber: 1) }
        if !self.currency.isEmpty { try visitor.visitSingularStringField(value: self.currency, fieldNumber: 2) }
        try self.unknownFields.traverse(visitor: &visitor)
    }
}

public struct PBAccount: HandWrittenMessage {
    public static let protoMessageName = "keyplan.bench.Account"
    public var id = Data()
    public var name = ""
    public var industry = ""
    public var region = ""
    public var website: String?
    public var annualRevenue: PBMoney?
    public var employeeCount: Int32 = 0
    public var unknownFields = UnknownStorage()
    public init() {}

    public mutating func decodeMessage<D: SwiftProtobuf.Decoder>(decoder: inout D) throws {
        while let fieldNumber = try decoder.nextFieldNumber() {
            switch fieldNumber {
            case 1: try decoder.decodeSingularBytesField(value: &self.id)
            case 2: try decoder.decodeSingularStringField(value: &self.name)
            case 3: try decoder.decodeSingularStringField(value: &self.industry)
            case 4: try decoder.decodeSingularStringField(value: &self.region)
            case 5: try decoder.decodeSingularStringField(value: &self.website)
            case 6: try decoder.decodeSingularMessageField(value: &self.annualRevenue)
            case 7: try decoder.decodeSingularInt32Field(value: &self.employeeCount)
            default: break
            }
        }
    }

    public func traverse<V: Visitor>(visitor: inout V) throws {
        if !self.id.isEmpty { try visitor.visitSingularBytesField(value: self.id, fieldNumber: 1) }
        if !self.name.isEmpty { try visitor.visitSingularStringField(value: self.name, fieldNumber: 2) }
        if !self.industry.isEmpty { try visitor.visitSingularStringField(value: self.industry, fieldNumber: 3) }
        if !self.region.isEmpty { try visitor.visitSingularStringField(value: self.region, fieldNumber: 4) }
        if let website = self.website { try visitor.visitSingularStringField(value: website, fieldNumber: 5) }
        if let annualRevenue = self.annualRevenue { try visitor.visitSingularMessageField(value: annualRevenue, fieldNumber: 6) }
        if self.employeeCount != 0 { try visitor.visitSingularInt32Field(value: self.employeeCount, fieldNumber: 7) }
        try self.unknownFields.traverse(visitor: &visitor)
    }
}

public struct PBRevenue: HandWrittenMessage {
    public static let protoMessageName = "keyplan.bench.Revenue"
    public var period = ""
    public var amount: PBMoney?
    public var isForecast = false
    public var unknownFields = UnknownStorage()
    public init() {}

    public mutating func decodeMessage<D: SwiftProtobuf.Decoder>(decoder: inout D) throws {
        while let fieldNumber = try decoder.nextFieldNumber() {
            switch fieldNumber {
            case 1: try decoder.decodeSingularStringField(value: &self.period)
            case 2: try decoder.decodeSingularMessageField(value: &self.amount)
            case 3: try decoder.decodeSingularBoolField(value: &self.isForecast)
            default: break
            }
        }
    }

    public func traverse<V: Visitor>(visitor: inout V) throws {
        if !self.period.isEmpty { try visitor.visitSingularStringField(value: self.period, fieldNumber: 1) }
        if let amount = self.amount { try visitor.visitSingularMessageField(value: amount, fieldNumber: 2) }
        if self.isForecast { try visitor.visitSingularBoolField(value: self.isForecast, fieldNumber: 3) }
        try self.unknownFields.traverse(visitor: &visitor)
    }
}

public struct PBMetric: HandWrittenMessage {
    public static let protoMessageName = "keyplan.bench.Metric"
    public var name = ""
    public var target: Double = 0
    public var actual: Double = 0
    public var unit = ""
    public var unknownFields = UnknownStorage()
    public init() {}

    public mutating func decodeMessage<D: SwiftProtobuf.Decoder>(decoder: inout D) throws {
        while let fieldNumber = try decoder.nextFieldNumber() {
            switch fieldNumber {
            case 1: try decoder.decodeSingularStringField(value: &self.name)
            case 2: try decoder.decodeSingularDoubleField(value: &self.target)
            case 3: try decoder.decodeSingularDoubleField(value: &self.actual)
            case 4: try decoder.decodeSingularStringField(value: &self.unit)
            default: break
            }
        }
    }

    public func traverse<V: Visitor>(visitor: inout V) throws {
        if !self.name.isEmpty { try visitor.visitSingularStringField(value: self.name, fieldNumber: 1) }
        if self.target.bitPattern != 0 { try visitor.visitSingularDoubleField(value: self.target, fieldNumber: 2) }
        if self.actual.bitPattern != 0 { try visitor.visitSingularDoubleField(value: self.actual, fieldNumber: 3) }
        if !self.unit.isEmpty { try visitor.visitSingularStringField(value: self.unit, fieldNumber: 4) }
        try self.unknownFields.traverse(visitor: &visitor)
    }
}

public enum PBGoalStatus: SwiftProtobuf.Enum, Sendable {
    case draft, onTrack, atRisk, offTrack, achieved
    case unrecognized(Int)

    public init() { self = .draft }

    public init?(rawValue: Int) {
        switch rawValue {
        case 0: self = .draft
        case 1: self = .onTrack
        case 2: self = .atRisk
        case 3: self = .offTrack
        case 4: self = .achieved
        default: self = .unrecognized(rawValue)
        }
    }

    public var rawValue: Int {
        switch self {
        case .draft: 0
        case .onTrack: 1
        case .atRisk: 2
        case .offTrack: 3
        case .achieved: 4
        case .unrecognized(let value): value
        }
    }
}

public struct PBGoal: HandWrittenMessage {
    public static let protoMessageName = "keyplan.bench.Goal"
    public var id = Data()
    public var title = ""
    public var summary = ""
    public var ownerID = Data()
    public var dueDateMicros: Int64 = 0
    public var status = PBGoalStatus.draft
    public var metrics: [PBMetric] = []
    public var unknownFields = UnknownStorage()
    public init() {}

    public mutating func decodeMessage<D: SwiftProtobuf.Decoder>(decoder: inout D) throws {
        while let fieldNumber = try decoder.nextFieldNumber() {
            switch fieldNumber {
            case 1: try decoder.decodeSingularBytesField(value: &self.id)
            case 2: try decoder.decodeSingularStringField(value: &self.title)
            case 3: try decoder.decodeSingularStringField(value: &self.summary)
            case 4: try decoder.decodeSingularBytesField(value: &self.ownerID)
            case 5: try decoder.decodeSingularSFixed64Field(value: &self.dueDateMicros)
            case 6: try decoder.decodeSingularEnumField(value: &self.status)
            case 7: try decoder.decodeRepeatedMessageField(value: &self.metrics)
            default: break
            }
        }
    }

    public func traverse<V: Visitor>(visitor: inout V) throws {
        if !self.id.isEmpty { try visitor.visitSingularBytesField(value: self.id, fieldNumber: 1) }
        if !self.title.isEmpty { try visitor.visitSingularStringField(value: self.title, fieldNumber: 2) }
        if !self.summary.isEmpty { try visitor.visitSingularStringField(value: self.summary, fieldNumber: 3) }
        if !self.ownerID.isEmpty { try visitor.visitSingularBytesField(value: self.ownerID, fieldNumber: 4) }
        if self.dueDateMicros != 0 { try visitor.visitSingularSFixed64Field(value: self.dueDateMicros, fieldNumber: 5) }
        if self.status != .draft { try visitor.visitSingularEnumField(value: self.status, fieldNumber: 6) }
        if !self.metrics.isEmpty { try visitor.visitRepeatedMessageField(value: self.metrics, fieldNumber: 7) }
        try self.unknownFields.traverse(visitor: &visitor)
    }
}

public enum PBContactRole: SwiftProtobuf.Enum, Sendable {
    case unknown, decisionMaker, influencer, user, blocker, sponsor
    case unrecognized(Int)

    public init() { self = .unknown }

    public init?(rawValue: Int) {
        switch rawValue {
        case 0: self = .unknown
        case 1: self = .decisionMaker
        case 2: self = .influencer
        case 3: self = .user
        case 4: self = .blocker
        case 5: self = .sponsor
        default: self = .unrecognized(rawValue)
        }
    }

    public var rawValue: Int {
        switch self {
        case .unknown: 0
        case .decisionMaker: 1
        case .influencer: 2
        case .user: 3
        case .blocker: 4
        case .sponsor: 5
        case .unrecognized(let value): value
        }
    }
}

public struct PBContact: HandWrittenMessage {
    public static let protoMessageName = "keyplan.bench.Contact"
    public var id = Data()
    public var name = ""
    public var title = ""
    public var email = ""
    public var phone: String?
    public var role = PBContactRole.unknown
    public var influence: Int32 = 0
    public var isChampion = false
    public var unknownFields = UnknownStorage()
    public init() {}

    public mutating func decodeMessage<D: SwiftProtobuf.Decoder>(decoder: inout D) throws {
        while let fieldNumber = try decoder.nextFieldNumber() {
            switch fieldNumber {
            case 1: try decoder.decodeSingularBytesField(value: &self.id)
            case 2: try decoder.decodeSingularStringField(value: &self.name)
            case 3: try decoder.decodeSingularStringField(value: &self.title)
            case 4: try decoder.decodeSingularStringField(value: &self.email)
            case 5: try decoder.decodeSingularStringField(value: &self.phone)
            case 6: try decoder.decodeSingularEnumField(value: &self.role)
            case 7: try decoder.decodeSingularInt32Field(value: &self.influence)
            case 8: try decoder.decodeSingularBoolField(value: &self.isChampion)
            default: break
            }
        }
    }

    public func traverse<V: Visitor>(visitor: inout V) throws {
        if !self.id.isEmpty { try visitor.visitSingularBytesField(value: self.id, fieldNumber: 1) }
        if !self.name.isEmpty { try visitor.visitSingularStringField(value: self.name, fieldNumber: 2) }
        if !self.title.isEmpty { try visitor.visitSingularStringField(value: self.title, fieldNumber: 3) }
        if !self.email.isEmpty { try visitor.visitSingularStringField(value: self.email, fieldNumber: 4) }
        if let phone = self.phone { try visitor.visitSingularStringField(value: phone, fieldNumber: 5) }
        if self.role != .unknown { try visitor.visitSingularEnumField(value: self.role, fieldNumber: 6) }
        if self.influence != 0 { try visitor.visitSingularInt32Field(value: self.influence, fieldNumber: 7) }
        if self.isChampion { try visitor.visitSingularBoolField(value: self.isChampion, fieldNumber: 8) }
        try self.unknownFields.traverse(visitor: &visitor)
    }
}

public enum PBActionStatus: SwiftProtobuf.Enum, Sendable {
    case open, inProgress, blocked, done, cancelled
    case unrecognized(Int)

    public init() { self = .open }

    public init?(rawValue: Int) {
        switch rawValue {
        case 0: self = .open
        case 1: self = .inProgress
        case 2: self = .blocked
        case 3: self = .done
        case 4: self = .cancelled
        default: self = .unrecognized(rawValue)
        }
    }

    public var rawValue: Int {
        switch self {
        case .open: 0
        case .inProgress: 1
        case .blocked: 2
        case .done: 3
        case .cancelled: 4
        case .unrecognized(let value): value
        }
    }
}

public struct PBAction: HandWrittenMessage {
    public static let protoMessageName = "keyplan.bench.Action"
    public var id = Data()
    public var title = ""
    public var goalID: Data?
    public var ownerID = Data()
    public var dueDateMicros: Int64 = 0
    public var completedAtMicros: Int64?
    public var status = PBActionStatus.open
    public var priority: Int32 = 0
    public var notes = ""
    public var unknownFields = UnknownStorage()
    public init() {}

    public mutating func decodeMessage<D: SwiftProtobuf.Decoder>(decoder: inout D) throws {
        while let fieldNumber = try decoder.nextFieldNumber() {
            switch fieldNumber {
            case 1: try decoder.decodeSingularBytesField(value: &self.id)
            case 2: try decoder.decodeSingularStringField(value: &self.title)
            case 3: try decoder.decodeSingularBytesField(value: &self.goalID)
            case 4: try decoder.decodeSingularBytesField(value: &self.ownerID)
            case 5: try decoder.decodeSingularSFixed64Field(value: &self.dueDateMicros)
            case 6: try decoder.decodeSingularSFixed64Field(value: &self.completedAtMicros)
            case 7: try decoder.decodeSingularEnumField(value: &self.status)
            case 8: try decoder.decodeSingularInt32Field(value: &self.priority)
            case 9: try decoder.decodeSingularStringField(value: &self.notes)
            default: break
            }
        }
    }

    public func traverse<V: Visitor>(visitor: inout V) throws {
        if !self.id.isEmpty { try visitor.visitSingularBytesField(value: self.id, fieldNumber: 1) }
        if !self.title.isEmpty { try visitor.visitSingularStringField(value: self.title, fieldNumber: 2) }
        if let goalID = self.goalID { try visitor.visitSingularBytesField(value: goalID, fieldNumber: 3) }
        if !self.ownerID.isEmpty { try visitor.visitSingularBytesField(value: self.ownerID, fieldNumber: 4) }
        if self.dueDateMicros != 0 { try visitor.visitSingularSFixed64Field(value: self.dueDateMicros, fieldNumber: 5) }
        if let completedAtMicros = self.completedAtMicros {
            try visitor.visitSingularSFixed64Field(value: completedAtMicros, fieldNumber: 6)
        }
        if self.status != .open { try visitor.visitSingularEnumField(value: self.status, fieldNumber: 7) }
        if self.priority != 0 { try visitor.visitSingularInt32Field(value: self.priority, fieldNumber: 8) }
        if !self.notes.isEmpty { try visitor.visitSingularStringField(value: self.notes, fieldNumber: 9) }
        try self.unknownFields.traverse(visitor: &visitor)
    }
}

public struct PBCriterion: HandWrittenMessage {
    public static let protoMessageName = "keyplan.bench.Criterion"
    public var name = ""
    public var score: Int32 = 0
    public var weight: Double = 0
    public var comment = ""
    public var unknownFields = UnknownStorage()
    public init() {}

    public mutating func decodeMessage<D: SwiftProtobuf.Decoder>(decoder: inout D) throws {
        while let fieldNumber = try decoder.nextFieldNumber() {
            switch fieldNumber {
            case 1: try decoder.decodeSingularStringField(value: &self.name)
            case 2: try decoder.decodeSingularInt32Field(value: &self.score)
            case 3: try decoder.decodeSingularDoubleField(value: &self.weight)
            case 4: try decoder.decodeSingularStringField(value: &self.comment)
            default: break
            }
        }
    }

    public func traverse<V: Visitor>(visitor: inout V) throws {
        if !self.name.isEmpty { try visitor.visitSingularStringField(value: self.name, fieldNumber: 1) }
        if self.score != 0 { try visitor.visitSingularInt32Field(value: self.score, fieldNumber: 2) }
        if self.weight.bitPattern != 0 { try visitor.visitSingularDoubleField(value: self.weight, fieldNumber: 3) }
        if !self.comment.isEmpty { try visitor.visitSingularStringField(value: self.comment, fieldNumber: 4) }
        try self.unknownFields.traverse(visitor: &visitor)
    }
}

public struct PBScorecard: HandWrittenMessage {
    public static let protoMessageName = "keyplan.bench.Scorecard"
    public var overall: Double = 0
    public var criteria: [PBCriterion] = []
    public var unknownFields = UnknownStorage()
    public init() {}

    public mutating func decodeMessage<D: SwiftProtobuf.Decoder>(decoder: inout D) throws {
        while let fieldNumber = try decoder.nextFieldNumber() {
            switch fieldNumber {
            case 1: try decoder.decodeSingularDoubleField(value: &self.overall)
            case 2: try decoder.decodeRepeatedMessageField(value: &self.criteria)
            default: break
            }
        }
    }

    public func traverse<V: Visitor>(visitor: inout V) throws {
        if self.overall.bitPattern != 0 { try visitor.visitSingularDoubleField(value: self.overall, fieldNumber: 1) }
        if !self.criteria.isEmpty { try visitor.visitRepeatedMessageField(value: self.criteria, fieldNumber: 2) }
        try self.unknownFields.traverse(visitor: &visitor)
    }
}

public struct PBAccountPlan: HandWrittenMessage {
    public static let protoMessageName = "keyplan.bench.AccountPlan"
    public var id = Data()
    public var tenantID = Data()
    public var name = ""
    public var account: PBAccount?
    public var revenues: [PBRevenue] = []
    public var goals: [PBGoal] = []
    public var contacts: [PBContact] = []
    public var actions: [PBAction] = []
    public var scorecard: PBScorecard?
    public var createdAtMicros: Int64 = 0
    public var updatedAtMicros: Int64 = 0
    public var version: Int64 = 0
    public var unknownFields = UnknownStorage()
    public init() {}

    public mutating func decodeMessage<D: SwiftProtobuf.Decoder>(decoder: inout D) throws {
        while let fieldNumber = try decoder.nextFieldNumber() {
            switch fieldNumber {
            case 1: try decoder.decodeSingularBytesField(value: &self.id)
            case 2: try decoder.decodeSingularBytesField(value: &self.tenantID)
            case 3: try decoder.decodeSingularStringField(value: &self.name)
            case 4: try decoder.decodeSingularMessageField(value: &self.account)
            case 5: try decoder.decodeRepeatedMessageField(value: &self.revenues)
            case 6: try decoder.decodeRepeatedMessageField(value: &self.goals)
            case 7: try decoder.decodeRepeatedMessageField(value: &self.contacts)
            case 8: try decoder.decodeRepeatedMessageField(value: &self.actions)
            case 9: try decoder.decodeSingularMessageField(value: &self.scorecard)
            case 10: try decoder.decodeSingularSFixed64Field(value: &self.createdAtMicros)
            case 11: try decoder.decodeSingularSFixed64Field(value: &self.updatedAtMicros)
            case 12: try decoder.decodeSingularInt64Field(value: &self.version)
            default: break
            }
        }
    }

    public func traverse<V: Visitor>(visitor: inout V) throws {
        if !self.id.isEmpty { try visitor.visitSingularBytesField(value: self.id, fieldNumber: 1) }
        if !self.tenantID.isEmpty { try visitor.visitSingularBytesField(value: self.tenantID, fieldNumber: 2) }
        if !self.name.isEmpty { try visitor.visitSingularStringField(value: self.name, fieldNumber: 3) }
        if let account = self.account { try visitor.visitSingularMessageField(value: account, fieldNumber: 4) }
        if !self.revenues.isEmpty { try visitor.visitRepeatedMessageField(value: self.revenues, fieldNumber: 5) }
        if !self.goals.isEmpty { try visitor.visitRepeatedMessageField(value: self.goals, fieldNumber: 6) }
        if !self.contacts.isEmpty { try visitor.visitRepeatedMessageField(value: self.contacts, fieldNumber: 7) }
        if !self.actions.isEmpty { try visitor.visitRepeatedMessageField(value: self.actions, fieldNumber: 8) }
        if let scorecard = self.scorecard { try visitor.visitSingularMessageField(value: scorecard, fieldNumber: 9) }
        if self.createdAtMicros != 0 { try visitor.visitSingularSFixed64Field(value: self.createdAtMicros, fieldNumber: 10) }
        if self.updatedAtMicros != 0 { try visitor.visitSingularSFixed64Field(value: self.updatedAtMicros, fieldNumber: 11) }
        if self.version != 0 { try visitor.visitSingularInt64Field(value: self.version, fieldNumber: 12) }
        try self.unknownFields.traverse(visitor: &visitor)
    }
}
