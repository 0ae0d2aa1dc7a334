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

    /// The version an update or deletion read: 1 or more.
    static func expectedVersion(_ version: Int) throws -> Int {
        guard version >= 1 else {
            throw RPCError(code: .invalidArgument, message: "expectedVersion must be the version you read (1 or more), got \(version)")
        }
        return version
    }
}
