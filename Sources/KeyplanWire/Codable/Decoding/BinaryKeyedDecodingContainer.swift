#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads a message's fields by key without building a dictionary of them.
///
/// Types decode their fields in the order they encoded them, so the container keeps a cursor on the field it
/// expects next and checks it first. On a miss it scans on from the cursor and then from the start, skipping
/// unknown fields; a key found nowhere is an absent field.
struct BinaryKeyedDecodingContainer<Key: CodingKey>: KeyedDecodingContainerProtocol {
    // Only trivial values, as the standard library's box copies this struct on every call.
    private let stateReference: UnretainedReference<DecodingState>
    /// The input's bytes.
    private let base: UnsafeRawPointer
    private let messageStart: Int
    private let messageEnd: Int
    /// The level of the value this container decodes; its fields are one level deeper.
    let level: Int
    /// Holds where the next field is expected. The protocol's methods do not mutate, so the cursor lives out of line:
    /// in the state's slot for the level, shared with any other message at that level (see ``KeyedDecodingCursor``).
    private let slot: UnsafeMutablePointer<DecodingState.LevelState>

    init(state: borrowing DecodingState, message: Range<Int>, level: Int, slot: UnsafeMutablePointer<DecodingState.LevelState>) {
        self.stateReference = UnretainedReference(state)
        self.base = state.base
        self.messageStart = message.lowerBound
        self.messageEnd = message.upperBound
        self.level = level
        self.slot = slot
    }

    var message: Range<Int> { self.messageStart..<self.messageEnd }

    private var state: DecodingState { self.stateReference.object }

    private func reader(_ range: Range<Int>) -> WireReader {
        WireReader(base: self.base, position: range.lowerBound, end: range.upperBound)
    }

    var codingPath: [any CodingKey] { self.state.codingPath(level: self.level) }

    private func corrupted(_ error: WireError, _ key: some CodingKey) -> any Error {
        self.state.corrupted(error, level: self.level, key: key)
    }

    // MARK: Finding fields

    /// Finds the field for `key`, or nil when the message does not hold it.
    private func find(_ key: Key) throws -> WireField? {
        let identity = FieldIdentity(key)
        let message = self.message
        let cursor = self.slot.pointee.keyedCursor.position(in: message)
        do {
            // The commonest case first: the expected field at the cursor, with a one-byte tag (fields 1-15).
            if case .number(let number) = identity, cursor < message.upperBound {
                let tag = self.base.load(fromByteOffset: cursor, as: UInt8.self)
                if tag < 0x80, Int(tag >> 3) == number, number != FieldTag.namedFieldNumber,
                    let wireType = WireType(tagBits: tag)
                {
                    var reader = self.reader((cursor + 1)..<message.upperBound)
                    let payload = try reader.skipValue(wireType)
                    self.slot.pointee.keyedCursor.move(to: reader.position, in: message)
                    return WireField(wireType: wireType, payload: payload, next: reader.position)
                }
            }
            // Then the fields from the cursor on (unknown ones are skipped).
            var position = cursor
            while position < message.upperBound {
                let (field, matches) = try self.parseField(at: position, matching: identity)
                if matches { return self.take(field) }
                position = field.next
            }
            // Out of order: the fields before the cursor.
            position = message.lowerBound
            while position < cursor {
                let (field, matches) = try self.parseField(at: position, matching: identity)
                if matches { return self.take(field) }
                position = field.next
            }
            return nil
        } catch {
            throw self.corrupted(error, key)
        }
    }

    @inline(__always)
    private func take(_ field: WireField) -> WireField {
        self.slot.pointee.keyedCursor.move(to: field.next, in: self.message)
        return field
    }

    /// Parses the field at `position` and tells whether it is the field of `identity`.
    @inline(__always)
    private func parseField(at position: Int, matching identity: FieldIdentity) throws(WireError) -> (WireField, Bool) {
        var reader = self.reader(position..<self.messageEnd)
        let tag = try reader.readVarint()
        guard tag <= UInt64(UInt32.max) else { throw .invalidValue("field tag \(tag) exceeds 32 bits") }
        guard let wireType = WireType(tagBits: UInt8(truncatingIfNeeded: tag)) else {
            throw .invalidWireType(UInt8(truncatingIfNeeded: tag & 0x07))
        }
        let fieldNumber = Int(tag >> 3)
        let matches: Bool
        if fieldNumber == FieldTag.namedFieldNumber {
            let name = try reader.readLengthDelimited()
            if case .name(let keyName) = identity {
                matches = self.bytes(name, equal: keyName)
            } else {
                matches = false
            }
        } else if case .number(let keyNumber) = identity {
            matches = keyNumber == fieldNumber
        } else {
            matches = false
        }
        let payload = try reader.skipValue(wireType)
        return (WireField(wireType: wireType, payload: payload, next: reader.position), matches)
    }

    private func bytes(_ range: Range<Int>, equal string: String) -> Bool {
        var string = string
        return string.withUTF8 { utf8 in
            guard utf8.count == range.count else { return false }
            guard let keyBytes = utf8.baseAddress, !range.isEmpty else { return true }
            return memcmp(self.base + range.lowerBound, keyBytes, range.count) == 0
        }
    }

    private func require(_ key: Key) throws -> WireField {
        guard let field = try self.find(key) else { throw self.keyNotFound(key) }
        return field
    }

    @inline(never)
    private func keyNotFound(_ key: Key) -> any Error {
        self.state.keyNotFound(key, level: self.level)
    }

    private func decoder(for field: WireField) -> BinaryValueDecoder {
        self.stateReference.withObject { state in
            BinaryValueDecoder(state: state, slot: .field, range: field.payload, wireType: field.wireType, level: self.level + 1)
        }
    }

    // MARK: Keys

    var allKeys: [Key] {
        var keys: [Key] = []
        var reader = self.reader(self.message)
        // A malformed message lists the keys before the damage; decoding any key then throws.
        while !reader.isAtEnd {
            guard let tag = try? reader.readVarint(), let wireType = WireType(tagBits: UInt8(truncatingIfNeeded: tag)) else { break }
            let fieldNumber = Int(tag >> 3)
            if fieldNumber == FieldTag.namedFieldNumber {
                guard let nameRange = try? reader.readLengthDelimited() else { break }
                let name = String(
                    decoding: UnsafeRawBufferPointer(start: self.state.base + nameRange.lowerBound, count: nameRange.count), as: UTF8.self)
                if let key = Key(stringValue: name) { keys.append(key) }
            } else if let key = Key(intValue: fieldNumber) {
                keys.append(key)
            }
            guard (try? reader.skipValue(wireType)) != nil else { break }
        }
        return keys
    }

    func contains(_ key: Key) -> Bool {
        ((try? self.find(key)) ?? nil) != nil
    }

    // MARK: Primitives

    @inline(__always)
    private func decodePrimitive<P: BinaryPrimitive>(_ type: P.Type, forKey key: Key) throws -> P {
        try self.decodePrimitive(type, in: try self.require(key), forKey: key)
    }

    @inline(__always)
    private func decodePrimitiveIfPresent<P: BinaryPrimitive>(_ type: P.Type, forKey key: Key) throws -> P? {
        guard let field = try self.find(key) else { return nil }
        return try self.decodePrimitive(type, in: field, forKey: key)
    }

    @inline(__always)
    private func decodePrimitive<P: BinaryPrimitive>(_ type: P.Type, in field: WireField, forKey key: Key) throws -> P {
        guard field.wireType == P.wireType else {
            throw self.state.wireTypeMismatch(P.self, expected: P.wireType, actual: field.wireType, level: self.level, key: key)
        }
        var reader = self.reader(field.payload)
        do {
            let value = try P.read(from: &reader)
            try reader.expectEnd()
            return value
        } catch {
            throw self.corrupted(error, key)
        }
    }

    func decodeNil(forKey key: Key) throws -> Bool { try self.find(key) == nil }

    func decode(_ type: Bool.Type, forKey key: Key) throws -> Bool { try self.decodePrimitive(type, forKey: key) }
    func decode(_ type: String.Type, forKey key: Key) throws -> String { try self.decodePrimitive(type, forKey: key) }
    func decode(_ type: Double.Type, forKey key: Key) throws -> Double { try self.decodePrimitive(type, forKey: key) }
    func decode(_ type: Float.Type, forKey key: Key) throws -> Float { try self.decodePrimitive(type, forKey: key) }
    func decode(_ type: Int.Type, forKey key: Key) throws -> Int { try self.decodePrimitive(type, forKey: key) }
    func decode(_ type: Int8.Type, forKey key: Key) throws -> Int8 { try self.decodePrimitive(type, forKey: key) }
    func decode(_ type: Int16.Type, forKey key: Key) throws -> Int16 { try self.decodePrimitive(type, forKey: key) }
    func decode(_ type: Int32.Type, forKey key: Key) throws -> Int32 { try self.decodePrimitive(type, forKey: key) }
    func decode(_ type: Int64.Type, forKey key: Key) throws -> Int64 { try self.decodePrimitive(type, forKey: key) }
    func decode(_ type: UInt.Type, forKey key: Key) throws -> UInt { try self.decodePrimitive(type, forKey: key) }
    func decode(_ type: UInt8.Type, forKey key: Key) throws -> UInt8 { try self.decodePrimitive(type, forKey: key) }
    func decode(_ type: UInt16.Type, forKey key: Key) throws -> UInt16 { try self.decodePrimitive(type, forKey: key) }
    func decode(_ type: UInt32.Type, forKey key: Key) throws -> UInt32 { try self.decodePrimitive(type, forKey: key) }
    func decode(_ type: UInt64.Type, forKey key: Key) throws -> UInt64 { try self.decodePrimitive(type, forKey: key) }

    func decodeIfPresent(_ type: Bool.Type, forKey key: Key) throws -> Bool? { try self.decodePrimitiveIfPresent(type, forKey: key) }
    func decodeIfPresent(_ type: String.Type, forKey key: Key) throws -> String? { try self.decodePrimitiveIfPresent(type, forKey: key) }
    func decodeIfPresent(_ type: Double.Type, forKey key: Key) throws -> Double? { try self.decodePrimitiveIfPresent(type, forKey: key) }
    func decodeIfPresent(_ type: Float.Type, forKey key: Key) throws -> Float? { try self.decodePrimitiveIfPresent(type, forKey: key) }
    func decodeIfPresent(_ type: Int.Type, forKey key: Key) throws -> Int? { try self.decodePrimitiveIfPresent(type, forKey: key) }
    func decodeIfPresent(_ type: Int8.Type, forKey key: Key) throws -> Int8? { try self.decodePrimitiveIfPresent(type, forKey: key) }
    func decodeIfPresent(_ type: Int16.Type, forKey key: Key) throws -> Int16? { try self.decodePrimitiveIfPresent(type, forKey: key) }
    func decodeIfPresent(_ type: Int32.Type, forKey key: Key) throws -> Int32? { try self.decodePrimitiveIfPresent(type, forKey: key) }
    func decodeIfPresent(_ type: Int64.Type, forKey key: Key) throws -> Int64? { try self.decodePrimitiveIfPresent(type, forKey: key) }
    func decodeIfPresent(_ type: UInt.Type, forKey key: Key) throws -> UInt? { try self.decodePrimitiveIfPresent(type, forKey: key) }
    func decodeIfPresent(_ type: UInt8.Type, forKey key: Key) throws -> UInt8? { try self.decodePrimitiveIfPresent(type, forKey: key) }
    func decodeIfPresent(_ type: UInt16.Type, forKey key: Key) throws -> UInt16? { try self.decodePrimitiveIfPresent(type, forKey: key) }
    func decodeIfPresent(_ type: UInt32.Type, forKey key: Key) throws -> UInt32? { try self.decodePrimitiveIfPresent(type, forKey: key) }
    func decodeIfPresent(_ type: UInt64.Type, forKey key: Key) throws -> UInt64? { try self.decodePrimitiveIfPresent(type, forKey: key) }

    // MARK: Values

    func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T {
        guard let field = try self.find(key) else { return try self.absentValue(type, forKey: key) }
        return try self.decodeValue(type, in: field, forKey: key)
    }

    /// The value of an absent field: nil for an Optional asked for with `decode` rather than `decodeIfPresent`.
    ///
    /// Kept out of `decode(_:forKey:)`: its `T?` would make every call of that unspecialized function look up the
    /// metadata of `Optional<T>` at entry, a tenth of all decoding time.
    @inline(never)
    private func absentValue<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T {
        try self.state.absentValue(type, key: key, level: self.level)
    }

    func decodeIfPresent<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T? {
        guard let field = try self.find(key) else { return nil }
        return try self.decodeValue(type, in: field, forKey: key)
    }

    @inline(__always)
    private func decodeValue<T: Decodable>(_ type: T.Type, in field: WireField, forKey key: Key) throws -> T {
        // The commonest field types the standard library has no overload for, read by specialized code: comparing
        // metatypes is cheaper than the strategy lookup and the generic read through an opened existential.
        if T.self == UUID.self { return try self.decodePrimitive(UUID.self, in: field, forKey: key) as! T }
        if T.self == Date.self { return try self.decodePrimitive(Date.self, in: field, forKey: key) as! T }
        if T.self == Money.self { return try self.decodePrimitive(Money.self, in: field, forKey: key) as! T }
        // A guaranteed reference: looking the strategy up must not retain the state.
        let strategy = self.stateReference.withObject { $0.strategy(for: T.self) }
        if case .primitive(let primitive) = strategy {
            return try self.decodePrimitive(primitive, as: type, in: field, forKey: key)
        }
        return try self.stateReference.withObject { state in
            try state.decodeValue(type, from: self.decoder(for: field), key: PathKey(key), strategy: strategy)
        }
    }

    private func decodePrimitive<P: BinaryPrimitive, T>(_ primitive: P.Type, as type: T.Type, in field: WireField, forKey key: Key) throws -> T {
        // `P` is `T`, as the strategy lookup proved, so the cast cannot fail.
        try self.decodePrimitive(P.self, in: field, forKey: key) as! T
    }

    // MARK: Nested containers

    private func lengthDelimited(forKey key: Key) throws -> Range<Int> {
        let field = try self.require(key)
        guard field.wireType == .lengthDelimited else {
            throw self.corrupted(.wireTypeMismatch(expected: .lengthDelimited, actual: field.wireType), key)
        }
        return field.payload
    }

    func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) throws -> KeyedDecodingContainer<NestedKey> {
        self.state.keyedContainer(keyedBy: type, message: try self.lengthDelimited(forKey: key), level: self.level + 1)
    }

    func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
        try BinaryUnkeyedDecodingContainer(state: self.state, content: try self.lengthDelimited(forKey: key), level: self.level + 1)
    }

    func superDecoder() throws -> any Decoder {
        try self.superDecoder(identity: SuperCodingKey())
    }

    func superDecoder(forKey key: Key) throws -> any Decoder {
        try self.superDecoder(identity: key)
    }

    /// The super value is a length-delimited field holding a top-level encoding; absent, it decodes as empty.
    private func superDecoder(identity key: some CodingKey) throws -> any Decoder {
        // A probe with a cursor of its own, so that this container's stays where it is.
        var probeSlot = DecodingState.LevelState()
        let content = try withUnsafeMutablePointer(to: &probeSlot) { slot in
            let probe = BinaryKeyedDecodingContainer<AnyFieldKey>(state: self.state, message: self.message, level: self.level, slot: slot)
            guard let field = try probe.find(AnyFieldKey(key)) else {
                return self.message.upperBound..<self.message.upperBound
            }
            guard field.wireType == .lengthDelimited else {
                throw probe.corrupted(.wireTypeMismatch(expected: .lengthDelimited, actual: field.wireType), key)
            }
            return field.payload
        }
        return BinaryValueDecoder(state: self.state, slot: .top, range: content, level: self.level + 1)
    }
}

/// Where a keyed decoding container expects the next field of its message: a hint, as a miss scans the whole
/// message. One per level (in ``DecodingState/LevelState``), which is bounded by the depth limit where one per
/// container would grow with the input; the message it belongs to is recorded, so a container whose message is not
/// the last one to use the slot (two sibling containers used in turn) starts from its message's beginning.
struct KeyedDecodingCursor {
    private var messageStart = -1
    private var messageEnd = -1
    private var position = -1

    /// Where the next field of `message` is expected.
    @inline(__always)
    func position(in message: Range<Int>) -> Int {
        self.messageStart == message.lowerBound && self.messageEnd == message.upperBound ? self.position : message.lowerBound
    }

    @inline(__always)
    mutating func move(to position: Int, in message: Range<Int>) {
        self.messageStart = message.lowerBound
        self.messageEnd = message.upperBound
        self.position = position
    }
}

/// A field as found on the wire: its wire type, its payload (a length-delimited value's content) and where the next
/// field begins.
struct WireField {
    let wireType: WireType
    let payload: Range<Int>
    let next: Int
}

/// Any key, re-typed so that one container can look up a key of another type (the super key).
struct AnyFieldKey: CodingKey {
    let stringValue: String
    let intValue: Int?

    init(_ key: some CodingKey) {
        self.stringValue = key.stringValue
        self.intValue = key.intValue
    }

    init(stringValue: String, intValue: Int?) {
        self.stringValue = stringValue
        self.intValue = intValue
    }

    init?(stringValue: String) {
        self.stringValue = stringValue
        self.intValue = nil
    }

    init?(intValue: Int) {
        self.stringValue = "\(intValue)"
        self.intValue = intValue
    }
}
