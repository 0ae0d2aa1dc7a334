import Foundation
import KeyplanAPI
import Synchronization

extension FieldChange {
    /// Fields every journal entry carries in its own columns — which record, its version, who
    /// and when — and so are never journaled as changed fields.
    static let bookkeeping: Set<String> = ["id", "accountID", "version", "createdBy", "createdAt", "updatedBy", "updatedAt"]

    /// The fields that differ between two versions of a record, each rendered as text; a
    /// creation passes `before: nil`, a deletion `after: nil`. Fields are the record's coding
    /// keys (as in `--json` output), compared by their JSON values; the ``bookkeeping`` fields and
    /// the record's own `except` (derived or internal fields) are left out.
    static func diff<Record: Encodable>(before: Record?, after: Record?, except: Set<String> = []) -> [FieldChange] {
        let except = except.union(bookkeeping)
        var old: [String: String] = [:], new: [String: String] = [:]
        if let before { old = FieldText.fields(of: before, except: except) }
        if let after { new = FieldText.fields(of: after, except: except) }
        return Set(old.keys).union(new.keys).sorted().compactMap { field in
            let was = old[field], now = new[field]
            return was == now ? nil : FieldChange(field: field, before: was, after: now)
        }
    }
}

/// A record's top-level fields as the journal shows them: a string as itself, a number, a
/// boolean, a date (ISO 8601) or a UUID as its text, anything nested (lists, objects) as JSON with
/// sorted keys; `nil`s left out. Each field is rendered where the record encodes it (a custom
/// `Encoder` that collects the top-level keys), so the record is not turned into JSON and parsed
/// back to be taken apart (that cost more than the rest of a write).
enum FieldText {
    static func fields<Record: Encodable>(of record: Record, except: Set<String>) -> [String: String] {
        let encoder = TopLevelEncoder(except: except)
        do {
            try record.encode(to: encoder)
        } catch {
            return [:]
        }
        // A record that encodes itself otherwise than field by field (nested containers, not a
        // keyed structure) is taken apart the slow way: as JSON, parsed back.
        guard encoder.isUnsupported.withLock({ !$0 }) else { return parsedFields(of: record, except: except) }
        return encoder.fields.withLock { $0 }
    }

    static func parsedFields<Record: Encodable>(of record: Record, except: Set<String>) -> [String: String] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        guard let data = try? encoder.encode(record),
            let object = try? JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed]) as? [String: Any]
        else { return [:] }
        var fields: [String: String] = [:]
        for (key, value) in object where !except.contains(key) {
            switch value {
            case is NSNull: continue
            case let text as String: fields[key] = text
            default:
                guard
                    let data = try? JSONSerialization.data(withJSONObject: value, options: [.sortedKeys, .fragmentsAllowed, .withoutEscapingSlashes])
                else { continue }
                fields[key] = String(decoding: data, as: UTF8.self)
            }
        }
        return fields
    }

    /// One field's text; `nil` for a value that encodes nothing.
    static func text<Value: Encodable>(_ value: Value) -> String? {
        switch value {
        case let text as String: return text
        case let flag as Bool: return flag ? "true" : "false"
        case let number as Int: return String(number)
        case let number as Int64: return String(number)
        case let number as Int32: return String(number)
        case let number as Double: return json(number)
        case let decimal as Decimal: return decimal.description
        case let id as UUID: return id.uuidString
        case let date as Date: return date.formatted(.iso8601)
        case let raw as any RawRepresentable:
            if let text = raw.rawValue as? String { return text }
            return json(value)
        default: return json(value)
        }
    }

    /// JSON with sorted keys, a top-level string unquoted (as `CalendarDate` encodes itself).
    private static func json<Value: Encodable>(_ value: Value) -> String? {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        guard let data = try? encoder.encode(value) else { return nil }
        let text = String(decoding: data, as: UTF8.self)
        if text == "null" { return nil }
        if text.hasPrefix("\""), let string = try? JSONDecoder().decode(String.self, from: data) { return string }
        return text
    }

    private final class TopLevelEncoder: Encoder, Sendable {
        let except: Set<String>
        let fields = Mutex<[String: String]>([:])
        let isUnsupported = Mutex(false)
        var codingPath: [any CodingKey] { [] }
        var userInfo: [CodingUserInfoKey: Any] { [:] }

        init(except: Set<String>) {
            self.except = except
        }

        func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
            KeyedEncodingContainer(Fields(encoder: self))
        }

        func unkeyedContainer() -> any UnkeyedEncodingContainer {
            unsupported()
            return JSONEncoderContainers.unkeyed()
        }

        func singleValueContainer() -> any SingleValueEncodingContainer {
            unsupported()
            return JSONEncoderContainers.singleValue()
        }

        func unsupported() {
            isUnsupported.withLock { $0 = true }
        }

        func set(_ text: String?, for key: some CodingKey) {
            guard !except.contains(key.stringValue), let text else { return }
            fields.withLock { $0[key.stringValue] = text }
        }
    }

    private struct Fields<Key: CodingKey>: KeyedEncodingContainerProtocol {
        let encoder: TopLevelEncoder
        var codingPath: [any CodingKey] { [] }

        mutating func encodeNil(forKey key: Key) throws {}

        mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
            guard !encoder.except.contains(key.stringValue) else { return }
            encoder.set(FieldText.text(value), for: key)
        }

        mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type, forKey key: Key) -> KeyedEncodingContainer<NestedKey> {
            encoder.unsupported()
            return KeyedEncodingContainer(Fields<NestedKey>(encoder: TopLevelEncoder(except: [])))
        }

        mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
            encoder.unsupported()
            return JSONEncoderContainers.unkeyed()
        }

        mutating func superEncoder() -> any Encoder {
            encoder.unsupported()
            return JSONEncoderContainers.Nowhere()
        }

        mutating func superEncoder(forKey key: Key) -> any Encoder {
            encoder.unsupported()
            return JSONEncoderContainers.Nowhere()
        }
    }
}

/// Containers that go nowhere, handed out when a record is not encoded field by field (the
/// fields are then taken from its JSON instead).
private enum JSONEncoderContainers {
    struct Discard: UnkeyedEncodingContainer, SingleValueEncodingContainer {
        var codingPath: [any CodingKey] { [] }
        var count: Int { 0 }
        mutating func encodeNil() throws {}
        mutating func encode<T: Encodable>(_ value: T) throws {}
        mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
            KeyedEncodingContainer(Ignored<NestedKey>())
        }
        mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer { Discard() }
        mutating func superEncoder() -> any Encoder { Nowhere() }
    }

    struct Ignored<Key: CodingKey>: KeyedEncodingContainerProtocol {
        var codingPath: [any CodingKey] { [] }
        mutating func encodeNil(forKey key: Key) throws {}
        mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {}
        mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type, forKey key: Key) -> KeyedEncodingContainer<NestedKey> {
            KeyedEncodingContainer(Ignored<NestedKey>())
        }
        mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer { Discard() }
        mutating func superEncoder() -> any Encoder { Nowhere() }
        mutating func superEncoder(forKey key: Key) -> any Encoder { Nowhere() }
    }

    struct Nowhere: Encoder {
        var codingPath: [any CodingKey] { [] }
        var userInfo: [CodingUserInfoKey: Any] { [:] }
        func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> { KeyedEncodingContainer(Ignored<Key>()) }
        func unkeyedContainer() -> any UnkeyedEncodingContainer { Discard() }
        func singleValueContainer() -> any SingleValueEncodingContainer { Discard() }
    }

    static func unkeyed() -> any UnkeyedEncodingContainer { Discard() }
    static func singleValue() -> any SingleValueEncodingContainer { Discard() }
}
