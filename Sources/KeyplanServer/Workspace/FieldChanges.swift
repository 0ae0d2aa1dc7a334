import Foundation
import KeyplanAPI

extension FieldChange {
    /// The fields that differ between two versions of a record, each rendered as text; a
    /// creation passes `before: nil`, a deletion `after: nil`. Fields are the record's coding
    /// keys (as in `--json` output), compared by their JSON values; `except` are left out
    /// (versions, timestamps: the journal has its own).
    static func diff<Record: Encodable>(before: Record?, after: Record?, except: Set<String> = ["version", "updatedAt", "createdAt"]) -> [FieldChange] {
        var old: [String: String] = [:], new: [String: String] = [:]
        if let before { old = jsonFields(before) ?? [:] }
        if let after { new = jsonFields(after) ?? [:] }
        return Set(old.keys).union(new.keys).subtracting(except).sorted().compactMap { field in
            let was = old[field], now = new[field]
            return was == now ? nil : FieldChange(field: field, before: was, after: now)
        }
    }

    /// A record's top-level fields as JSON text (strings unquoted), `null`s left out.
    private static func jsonFields<Record: Encodable>(_ record: Record) -> [String: String]? {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        guard let data = try? encoder.encode(record),
            let object = try? JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed]) as? [String: Any]
        else { return nil }
        var fields: [String: String] = [:]
        for (key, value) in object {
            switch value {
            case is NSNull: continue
            case let text as String: fields[key] = text
            default:
                guard let data = try? JSONSerialization.data(withJSONObject: value, options: [.sortedKeys, .fragmentsAllowed, .withoutEscapingSlashes]) else { continue }
                fields[key] = String(decoding: data, as: UTF8.self)
            }
        }
        return fields
    }
}
