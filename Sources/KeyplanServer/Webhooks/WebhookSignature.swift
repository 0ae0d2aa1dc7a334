import Crypto
import Foundation

/// The signature of a webhook request (`Protocols/webhooks.md`), as Stripe and GitHub sign theirs:
///
///     Keyplan-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>
///
/// The key is the endpoint's secret exactly as shown (`whsec_…`, its UTF-8 bytes); the message is
/// the timestamp in decimal, a full stop, and the raw body bytes. Signing the time lets a receiver
/// refuse old requests replayed at it.
struct WebhookSignature: Sendable {
    static let header = "Keyplan-Signature"
    static let secretPrefix = "whsec_"

    let secret: String

    /// A new random secret: 32 random bytes in base64url after the prefix.
    static func generateSecret() -> String {
        secretPrefix + SecretToken.base64URL(SymmetricKey(size: .bits256).withUnsafeBytes { Array($0) })
    }

    /// The header's value for `body` sent at `timestamp`.
    func headerValue(body: [UInt8], timestamp: Int64) -> String {
        "t=\(timestamp),v1=\(hexDigest(body: body, timestamp: timestamp))"
    }

    func hexDigest(body: [UInt8], timestamp: Int64) -> String {
        var hmac = HMAC<SHA256>(key: SymmetricKey(data: Data(secret.utf8)))
        hmac.update(data: Data("\(timestamp).".utf8))
        hmac.update(data: body)
        return hmac.finalize().map { String(format: "%02x", $0) }.joined()
    }
}
