import Foundation
import KeyplanAPI
import KeyplanRPC

extension Validate {
    /// A round's period, trimmed: 1 to 50 letters, digits, spaces and `-_./` ("2026-Q4").
    static func period(_ text: String) throws -> String {
        let period = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard (1...50).contains(period.count), period.allSatisfy({ $0.isLetter || $0.isNumber || " -_./".contains($0) }) else {
            throw RPCError(code: .invalidArgument, message: "the period must have 1 to 50 letters, digits, spaces or -_./ (e.g. 2026-Q4)")
        }
        return period
    }

    /// The shape of a response: at least one score, each criterion once, a comment of at most 4,000 characters.
    static func answers(_ request: AnswerRequest) throws {
        guard !request.answers.isEmpty else { throw RPCError(code: .invalidArgument, message: "score at least one criterion") }
        guard Set(request.answers.map(\.criterionID)).count == request.answers.count else {
            throw RPCError(code: .invalidArgument, message: "each criterion can be scored once")
        }
        guard request.comment.count <= 4000 else { throw RPCError(code: .invalidArgument, message: "the comment must have at most 4000 characters") }
    }

    /// Every score names one of the round's criteria and lies on its scale. Criteria may be skipped.
    static func answers(_ answers: [CriterionScore], to criteria: [ScorecardCriterion], on scale: ScoreScale) throws {
        let known = Set(criteria.map(\.id))
        for answer in answers {
            guard known.contains(answer.criterionID) else {
                throw RPCError(code: .invalidArgument, message: "\(answer.criterionID) is not a criterion of this round's scorecard")
            }
            guard scale.contains(answer.score) else {
                throw RPCError(code: .invalidArgument, message: "scores are whole numbers from \(scale.minimum) to \(scale.maximum)")
            }
        }
    }
}
