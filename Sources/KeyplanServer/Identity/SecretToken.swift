import Crypto
public import Foundation

/// An opaque bearer secret: 32 random bytes, shown once, stored only as its SHA-256.
///
/// SHA-256 suffices for 256-bit random secrets (no dictionary to search, unlike passwords).
/// The text form is a kind prefix and the bytes in base64url, e.g. `kps_…` for a session.
public struct SecretToken: Sendable, Hashable {
    /// What a token is for, told apart by its prefix so a leaked one is recognisable.
    public enum Kind: String, Sendable, CaseIterable {
        case session = "kps"
        case apiKey = "kpk"
        case invitation = "kpi"
        /// A notification mail's one-click unsubscribe link.
        case unsubscribe = "kpu"
        /// A mailed password-reset link's token (a customer's, `Schema/0025_password_resets.sql`).
        case passwordReset = "kpr"
    }

    public let kind: Kind
    /// The token as given to its holder.
    public let text: String

    /// A new random token.
    public static func generate(_ kind: Kind) -> SecretToken {
        let bytes = SymmetricKey(size: .bits256).withUnsafeBytes { Array($0) }
        return SecretToken(kind: kind, text: "\(kind.rawValue)_\(Self.base64URL(bytes))")
    }

    /// The stored form: SHA-256 of the text.
    public var hash: Data { Self.hash(of: text) }

    /// SHA-256 of a presented token's text, to look it up; any text hashes (a wrong one finds nothing).
    public static func hash(of text: String) -> Data {
        Data(SHA256.hash(data: Data(text.utf8)))
    }

    /// Random text for a generated password: 18 random bytes in base64url (24 characters).
    public static func randomPassword() -> String {
        base64URL(SymmetricKey(size: .init(bitCount: 144)).withUnsafeBytes { Array($0) })
    }

    static func base64URL(_ bytes: [UInt8]) -> String {
        Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }
}
