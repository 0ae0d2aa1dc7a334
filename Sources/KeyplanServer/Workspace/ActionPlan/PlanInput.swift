import Foundation
import KeyplanAPI
import KeyplanRPC

/// Checks of the action plan area's request fields, with messages that say what is wrong.
/// Lengths count Unicode scalars, as PostgreSQL's `length()` in the schema's checks does.
enum PlanInput {
    /// Trimmed one-line text of `length` characters.
    static func line(_ text: String, _ field: String, length: ClosedRange<Int>) throws -> String {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard length.contains(trimmed.unicodeScalars.count) else { throw tooLong(field, length) }
        guard !trimmed.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
            throw RPCError(code: .invalidArgument, message: "\(field) must be one line without control characters")
        }
        return trimmed
    }

    /// Free text (kept as written) of at most `maximum` characters.
    static func text(_ text: String, _ field: String, maximum: Int) throws -> String {
        guard text.unicodeScalars.count <= maximum else { throw tooLong(field, 0...maximum) }
        guard !text.unicodeScalars.contains("\u{0}") else { throw RPCError(code: .invalidArgument, message: "\(field) must not contain NUL characters") }
        return text
    }

    /// A list of at most `maximum` trimmed lines, each of `length` characters.
    static func lines(_ items: [String], _ field: String, maximum: Int, length: ClosedRange<Int>) throws -> [String] {
        guard items.count <= maximum else { throw RPCError(code: .invalidArgument, message: "at most \(maximum) \(field)") }
        return try items.map { try line($0, "each of \(field)", length: length) }
    }

    /// A version a client read: 1 or more.
    static func version(_ version: Int?) throws {
        if let version, version < 1 { throw RPCError(code: .invalidArgument, message: "expectedVersion must be 1 or more") }
    }

    /// Refuses a request that both sets and clears one field.
    static func setOrClear(_ value: (some Any)?, clear: Bool, _ field: String) throws {
        if value != nil, clear { throw RPCError(code: .invalidArgument, message: "either set \(field) or clear it, not both") }
    }

    private static func tooLong(_ field: String, _ length: ClosedRange<Int>) -> RPCError {
        RPCError(code: .invalidArgument, message: length.lowerBound == 0
            ? "\(field) must have at most \(length.upperBound) characters"
            : "\(field) must have \(length.lowerBound) to \(length.upperBound) characters")
    }
}
