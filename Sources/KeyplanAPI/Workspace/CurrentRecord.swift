import KeyplanRPC
import KeyplanWire

/// The current state of a record, carried by an `ABORTED` answer to a stale update: the update
/// named a version that is no longer the record's, so nothing was written, and the caller gets
/// what is there now to merge with and retry.
public enum CurrentRecord {
    /// The status detail's type name.
    public static let detailType = "keyplan.CurrentRecord"

    /// An `ABORTED` error carrying `record` (binary encoded) as a detail.
    public static func aborted<Record: Encodable>(_ record: Record, version: Int, message: String? = nil) throws -> RPCError {
        let bytes = try BinaryEncoder().encode(record)
        return RPCError(
            code: .aborted,
            message: message ?? "the record changed meanwhile: it is now at version \(version); merge and retry",
            details: [RPCError.Detail(typeName: detailType, value: bytes)])
    }
}

extension RPCError {
    /// The current record an `ABORTED` answer carries, decoded as `Record`; `nil` when it carries none.
    public func currentRecord<Record: Decodable>(as type: Record.Type) throws -> Record? {
        guard code == .aborted, let detail = details.first(where: { $0.typeName == CurrentRecord.detailType }) else { return nil }
        return try BinaryDecoder().decode(Record.self, from: detail.value)
    }
}
