import Foundation
import KeyplanWire

extension AccountPlan {
    /// The same plan as SwiftProtobuf messages.
    public var proto: PBAccountPlan {
        var plan = PBAccountPlan()
        plan.id = self.id.bytes
        plan.tenantID = self.tenantID.bytes
        plan.name = self.name
        var account = PBAccount()
        account.id = self.account.id.bytes
        account.name = self.account.name
        account.industry = self.account.industry
        account.region = self.account.region
        account.website = self.account.website
        account.annualRevenue = self.account.annualRevenue.proto
        account.employeeCount = self.account.employeeCount
        plan.account = account
        plan.revenues = self.revenues.map { revenue in
            var message = PBRevenue()
            message.period = revenue.period
            message.amount = revenue.amount.proto
            message.isForecast = revenue.isForecast
            return message
        }
        plan.goals = self.goals.map { goal in
            var message = PBGoal()
            message.id = goal.id.bytes
            message.title = goal.title
            message.summary = goal.summary
            message.ownerID = goal.ownerID.bytes
            message.dueDateMicros = goal.dueDate.microsecondsSince1970
            message.status = PBGoalStatus(rawValue: goal.status.rawValue) ?? .draft
            message.metrics = goal.metrics.map { metric in
                var message = PBMetric()
                message.name = metric.name
                message.target = metric.target
                message.actual = metric.actual
                message.unit = metric.unit
                return message
            }
            return message
        }
        plan.contacts = self.contacts.map { contact in
            var message = PBContact()
            message.id = contact.id.bytes
            message.name = contact.name
            message.title = contact.title
            message.email = contact.email
            message.phone = contact.phone
            message.role = PBContactRole(rawValue: contact.role.rawValue) ?? .unknown
            message.influence = contact.influence
            message.isChampion = contact.isChampion
            return message
        }
        plan.actions = self.actions.map { action in
            var message = PBAction()
            message.id = action.id.bytes
            message.title = action.title
            message.goalID = action.goalID?.bytes
            message.ownerID = action.ownerID.bytes
            message.dueDateMicros = action.dueDate.microsecondsSince1970
            message.completedAtMicros = action.completedAt?.microsecondsSince1970
            message.status = PBActionStatus(rawValue: action.status.rawValue) ?? .open
            message.priority = action.priority
            message.notes = action.notes
            return message
        }
        var scorecard = PBScorecard()
        scorecard.overall = self.scorecard.overall
        scorecard.criteria = self.scorecard.criteria.map { criterion in
            var message = PBCriterion()
            message.name = criterion.name
            message.score = criterion.score
            message.weight = criterion.weight
            message.comment = criterion.comment
            return message
        }
        plan.scorecard = scorecard
        plan.createdAtMicros = self.createdAt.microsecondsSince1970
        plan.updatedAtMicros = self.updatedAt.microsecondsSince1970
        plan.version = self.version
        return plan
    }
}

extension Money {
    var proto: PBMoney {
        var money = PBMoney()
        money.minorUnits = self.minorUnits
        money.currency = self.currency.code
        return money
    }
}

extension UUID {
    var bytes: Data { withUnsafeBytes(of: self.uuid) { Data($0) } }
}

extension Date {
    var microsecondsSince1970: Int64 { Int64((self.timeIntervalSince1970 * 1_000_000).rounded()) }
}
