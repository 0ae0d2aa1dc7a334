import Foundation
import KeyplanAPI
import KeyplanMail
import KeyplanRPC

/// Checks and normalizes request fields, with errors that say what is wrong.
enum Validate {
    /// Lower-cased and trimmed; must look like an address.
    static func email(_ text: String) throws -> String {
        let email = text.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
        let parts = email.split(separator: "@", omittingEmptySubsequences: false)
        guard (3...320).contains(email.count), parts.count == 2, !parts[0].isEmpty, parts[1].contains("."),
            !email.contains(where: \.isWhitespace)
        else {
            // The text is not echoed: it may be a password typed into the wrong field, and
            // messages reach the audit log.
            throw RPCError(code: .invalidArgument, message: "the email is not a valid address")
        }
        return email
    }

    /// ``email(_:)`` that mail can also be sent to (``MailAddress/validate(_:)``: ASCII, a dot-atom local
    /// part, a domain of proper labels), for the addresses of people Keyplan will write to.
    static func mailAddress(_ text: String) throws -> String {
        let email = try email(text)
        do {
            try MailAddress.validate(email)
        } catch {
            throw RPCError(code: .invalidArgument, message: "the email is not an address mail can be sent to: it \(error.reason)")
        }
        return email
    }

    static func name(_ text: String, field: String) throws -> String {
        let name = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard (1...200).contains(name.count) else {
            throw RPCError(code: .invalidArgument, message: "\(field) must have 1 to 200 characters")
        }
        return name
    }

    /// A page size within `1...maximum`; `fallback` (default: `maximum`) when absent.
    static func limit<Number: BinaryInteger>(_ requested: Number?, maximum: Int, fallback: Int? = nil) throws -> Int {
        guard let requested else { return fallback ?? maximum }
        guard requested >= 1, requested <= maximum else {
            throw RPCError(code: .invalidArgument, message: "limit must be between 1 and \(maximum)")
        }
        return Int(requested)
    }

    static func newPassword(_ password: String) throws -> String {
        guard (PasswordHasher.minimumLength...PasswordHasher.maximumLength).contains(password.count) else {
            throw RPCError(
                code: .invalidArgument, message: "a password must have \(PasswordHasher.minimumLength) to \(PasswordHasher.maximumLength) characters")
        }
        return password
    }

    /// A requested lifetime in seconds, within `1...maximum`; `fallback` when absent.
    static func lifetime(_ seconds: Int64?, fallback: Duration?, maximum: Duration?) throws -> Duration? {
        guard let seconds else { return fallback }
        guard seconds > 0, maximum.map({ seconds <= $0.wholeSeconds }) ?? true else {
            throw RPCError(code: .invalidArgument, message: "the lifetime must be between 1 and \(maximum?.wholeSeconds ?? Int64.max) seconds")
        }
        return .seconds(seconds)
    }

    // MARK: Text

    /// Trimmed text whose length, counted as PostgreSQL counts it (Unicode scalars), lies in
    /// `characters`; NUL, which PostgreSQL text cannot hold, is refused.
    static func text(_ text: String, field: String, characters: ClosedRange<Int>) throws -> String {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.unicodeScalars.contains("\0") else {
            throw RPCError(code: .invalidArgument, message: "\(field) must not contain NUL characters")
        }
        try Self.check(trimmed, field: field, characters: characters)
        return trimmed
    }

    /// ``text(_:field:characters:)`` on one line: no control characters at all.
    static func line(_ text: String, field: String, characters: ClosedRange<Int>) throws -> String {
        let trimmed = try Self.text(text, field: field, characters: characters)
        guard !trimmed.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
            throw RPCError(code: .invalidArgument, message: "\(field) must be one line without control characters")
        }
        return trimmed
    }

    /// A list of at most `maximum` lines, each checked by ``line(_:field:characters:)``.
    static func lines(_ items: [String], field: String, maximum: Int, characters: ClosedRange<Int>) throws -> [String] {
        guard items.count <= maximum else { throw RPCError(code: .invalidArgument, message: "at most \(maximum) \(field)") }
        return try items.map { try Self.line($0, field: "each of \(field)", characters: characters) }
    }

    /// Free text, kept as written (untrimmed), of at most `maximum` characters and without NUL.
    static func freeText(_ text: String, field: String, maximum: Int) throws -> String {
        guard !text.unicodeScalars.contains("\0") else {
            throw RPCError(code: .invalidArgument, message: "\(field) must not contain NUL characters")
        }
        try Self.check(text, field: field, characters: 0...maximum)
        return text
    }

    private static func check(_ text: String, field: String, characters: ClosedRange<Int>) throws {
        guard characters.contains(text.unicodeScalars.count) else {
            let bounds = characters.lowerBound == 0 ? "at most \(characters.upperBound)" : "\(characters.lowerBound) to \(characters.upperBound)"
            throw RPCError(code: .invalidArgument, message: "\(field) must have \(bounds) characters")
        }
    }

    // MARK: Versions and clearable fields

    /// The version an update or deletion read: 1 or more.
    @discardableResult
    static func expectedVersion(_ version: Int) throws -> Int {
        guard version >= 1 else {
            throw RPCError(code: .invalidArgument, message: "expectedVersion must be the version you read (1 or more), got \(version)")
        }
        return version
    }

    /// An optional expected version — creating when `nil` — checked when given.
    static func expectedVersion(_ version: Int?) throws {
        if let version { try Self.expectedVersion(version) }
    }

    /// Refuses a change that both sets and clears a field (`contradictions` of a request).
    static func noContradictions<Field: RawRepresentable<String>>(_ contradictions: [Field]) throws {
        if let field = contradictions.first {
            throw RPCError(
                code: .invalidArgument, message: "either set \(field.rawValue.replacingOccurrences(of: "_", with: " ")) or clear it, not both")
        }
    }
}
