import Foundation
import KeyplanAPI
import KeyplanRPC

extension Validate {
    /// Trimmed text whose length, counted as PostgreSQL counts it (Unicode scalars), lies in
    /// `characters`; NUL, which PostgreSQL text cannot hold, is refused.
    static func text(_ text: String, field: String, characters: ClosedRange<Int>) throws -> String {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.unicodeScalars.contains("\0") else {
            throw RPCError(code: .invalidArgument, message: "\(field) must not contain NUL characters")
        }
        guard characters.contains(trimmed.unicodeScalars.count) else {
            let bounds = characters.lowerBound == 0 ? "at most \(characters.upperBound)" : "\(characters.lowerBound) to \(characters.upperBound)"
            throw RPCError(code: .invalidArgument, message: "\(field) must have \(bounds) characters")
        }
        return trimmed
    }

    /// A calendar day, `YYYY-MM-DD`, that exists (2026-02-29 does not).
    static func calendarDay(_ text: String, field: String) throws -> String {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
            parts.allSatisfy({ $0.allSatisfy { $0.isASCII && $0.isNumber } }),
            let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2]), year >= 1, (1...12).contains(month)
        else { throw RPCError(code: .invalidArgument, message: "\(field) must be a day, YYYY-MM-DD, got \"\(text.prefix(40))\"") }
        let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
        let days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]
        guard (1...days).contains(day) else {
            throw RPCError(code: .invalidArgument, message: "\(field) \(text) is not a day of the calendar")
        }
        return text
    }

    /// The version an update or deletion read: 1 or more.
    static func expectedVersion(_ version: Int) throws -> Int {
        guard version >= 1 else {
            throw RPCError(code: .invalidArgument, message: "expectedVersion must be the version you read (1 or more), got \(version)")
        }
        return version
    }
}
