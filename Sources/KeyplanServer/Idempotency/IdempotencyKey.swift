import Crypto
import Foundation
import KeyplanAPI
import KeyplanPostgres
import KeyplanRPC
import NIOCore

/// A client's name for one write (`idempotency-key` metadata), so that retrying it after
/// UNAVAILABLE never writes twice (`Schema/0024_idempotency_keys.sql`). The first call claims the
/// key in the statement that opens its transaction (no round trip of its own) and stores its answer
/// with its COMMIT, so the key and the write commit or vanish together; a later call with the key —
/// a retry, or one racing it, which waits for the first to end — gets the stored answer instead, as
/// long as it names the same method and request. Keys belong to the caller and live for a day;
/// reads ignore them (retrying a read is safe).
struct IdempotencyKey: Sendable {
    static let metadataName = "idempotency-key"
    static let maximumLength = 128

    let tenantID: UUID
    let userID: UUID
    let key: String
    let method: String
    /// SHA-256 of the request's binary encoding.
    let requestDigest: Data

    /// The key a write names, if any; INVALID_ARGUMENT for one that is not 1 to 128 printable ASCII characters.
    init?<Request, Response>(of method: RPCMethod<Request, Response>, request: Request, context: ServerContext, principal: Principal) throws {
        guard let key = context.metadata[Self.metadataName] else { return nil }
        guard (1...Self.maximumLength).contains(key.utf8.count), key.utf8.allSatisfy({ (0x21...0x7E).contains($0) }) else {
            throw RPCError(
                code: .invalidArgument,
                message: "the idempotency key must be 1 to \(Self.maximumLength) printable ASCII characters without spaces (a UUID is a good one)")
        }
        var encoded = ByteBuffer()
        // A password in the request stays out of the digest: an unsalted SHA-256 beside the scrypt hash would be a shortcut to it.
        try method.request.serializer.serialize(concealingSecret(request), into: &encoded)
        self.tenantID = principal.tenantID
        self.userID = principal.userID
        self.key = key
        self.method = method.descriptor.fullName
        self.requestDigest = Data(SHA256.hash(data: Array(encoded.readableBytesView)))
    }

    /// The claim, as more of the select list of the statement that opens the call's transaction
    /// (``TenantTransaction/Guard``): it raises KP409 (``isAlreadyClaimed(_:)``) when the key was
    /// claimed before, so nothing of the work runs.
    var claim: TenantTransaction.Guard {
        TenantTransaction.Guard(
            columns: "claim_idempotency_key(\(userID), \(key), \(method), \(requestDigest)) AS idempotency_claim", found: { _ in })
    }

    /// Whether the call failed because its key was claimed before.
    static func isAlreadyClaimed(_ error: any Error) -> Bool {
        (error as? PostgresError)?.sqlState == "KP409"
    }

    /// The answer stored under the key by the call that claimed it, once the claim was refused.
    func storedAnswer<Response>(as codec: MessageCodec<Response>, from database: PostgresClient) async throws -> Response {
        let stored = try await database.inTenant(tenantID, shape: .eachRoundTrip, durability: .deferred) { transaction in
            try await transaction.query("SELECT method, request_digest, response FROM idempotency_keys WHERE user_id = \(userID) AND key = \(key)")
                .first
        }
        // Gone: expired and pruned between the claim and now; or no answer: the claiming call is
        // still running (its claim made this one wait, so only a call that outlived that wait).
        guard let stored, let response = try stored.decode(Data?.self, column: "response") else {
            throw RPCError(code: .aborted, message: "a call with this idempotency key is still being processed; try again in a moment")
        }
        guard try stored.decode(String.self, column: "method") == method, try stored.decode(Data.self, column: "request_digest") == requestDigest
        else {
            throw RPCError(
                code: .failedPrecondition,
                message: "this idempotency key was used for another request within the last day; a new request needs a new key")
        }
        return try codec.deserializer.deserialize(ByteBuffer(bytes: response))
    }

    /// The statement that stores the call's answer with its COMMIT, and prunes up to a hundred of the
    /// tenant's expired keys on the way (so no background job is needed for them).
    func store<Response>(_ response: Response, as codec: MessageCodec<Response>) throws -> [PostgresQuery] {
        var encoded = ByteBuffer()
        // Stored without a secret it carries (``CarriesSecret``): a retry answers the record, not the secret.
        try codec.serializer.serialize(concealingSecret(response), into: &encoded)
        let bytes = Data(encoded.readableBytesView)
        return [
            "UPDATE idempotency_keys SET response = \(bytes) WHERE user_id = \(userID) AND key = \(key)",
            """
            DELETE FROM idempotency_keys WHERE ctid IN (
                SELECT ctid FROM idempotency_keys WHERE created_at < now() - interval '1 day' LIMIT 100)
            """,
        ]
    }
}
