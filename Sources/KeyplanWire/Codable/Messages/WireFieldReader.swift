#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif

/// Reads the fields of one ``WireMessage`` in the order they arrive, for the message's generated
/// `init(wireFields:)`.
///
/// ``nextField()`` steps to the next field and returns its number; the generated code switches on it and reads the
/// value with a `decode` method, or leaves an unknown field alone (it is already skipped). A field that appears twice
/// is read twice, and the later value wins.
///
/// Noncopyable: it refers to the decoder's state without retaining it, so it must not outlive the call it is lent to.
public struct WireFieldReader: ~Copyable {
    private let stateReference: UnretainedReference<DecodingState>
    private var position: Int
    private let end: Int
    /// The level of the message; its fields are one level deeper.
    private let level: Int
    private let keys: any CodingKey.Type
    private var field = WireField(wireType: .varint, payload: 0..<0, next: 0)
    private var number = 0

    init(state: borrowing DecodingState, message: Range<Int>, level: Int, keys: any CodingKey.Type) {
        self.stateReference = UnretainedReference(state)
        self.position = message.lowerBound
        self.end = message.upperBound
        self.level = level
        self.keys = keys
    }

    /// Steps to the next numbered field and returns its number, or nil at the end of the message. Named fields
    /// (written for keys without an `intValue`) are skipped: a generated message numbers all its keys.
    public mutating func nextField() throws -> Int? {
        try self.stateReference.withObject { state in
            while self.position < self.end {
                var reader = state.reader(self.position..<self.end)
                // Known once the tag is read: a damaged value is reported at its field, as the keyed container does.
                var number: Int?
                do throws(WireError) {
                    let tag = try reader.readVarint()
                    guard tag <= UInt64(UInt32.max) else { throw .invalidValue("field tag \(tag) exceeds 32 bits") }
                    guard let wireType = WireType(tagBits: UInt8(truncatingIfNeeded: tag)) else {
                        throw .invalidWireType(UInt8(truncatingIfNeeded: tag & 0x07))
                    }
                    let fieldNumber = Int(tag >> 3)
                    if fieldNumber == FieldTag.namedFieldNumber { _ = try reader.readLengthDelimited() } else { number = fieldNumber }
                    let payload = try reader.skipValue(wireType)
                    self.position = reader.position
                    guard let number else { continue }
                    self.field = WireField(wireType: wireType, payload: payload, next: reader.position)
                    self.number = number
                    return number
                } catch {
                    throw state.corrupted(error, level: self.level, key: number.map { PathKey(number: $0, of: self.keys).key })
                }
            }
            return nil
        }
    }

    /// The key of the current field, for coding paths.
    private var key: PathKey { PathKey(number: self.number, of: self.keys) }

    /// The value of field `number`, absent from the message: nil when `T` is an Optional (however it was written: a
    /// type alias, a generic parameter), else a `keyNotFound` error — as the keyed container has it.
    public func absentField<T>(_ type: T.Type, _ number: Int) throws -> T {
        try self.stateReference.withObject { state in
            try state.absentValue(type, key: PathKey(number: number, of: self.keys).key, level: self.level)
        }
    }

    // MARK: Values

    @inline(__always)
    private func decodePrimitive<P: BinaryPrimitive>(_ type: P.Type) throws -> P {
        try self.stateReference.withObject { state in
            guard self.field.wireType == P.wireType else {
                throw state.wireTypeMismatch(P.self, expected: P.wireType, actual: self.field.wireType, level: self.level, key: self.key.key)
            }
            var reader = state.reader(self.field.payload)
            do throws(WireError) {
                let value = try P.read(from: &reader)
                try reader.expectEnd()
                return value
            } catch {
                throw state.corrupted(error, level: self.level, key: self.key.key)
            }
        }
    }

    public func decode(_ type: Bool.Type) throws -> Bool { try self.decodePrimitive(type) }
    public func decode(_ type: String.Type) throws -> String { try self.decodePrimitive(type) }
    public func decode(_ type: Double.Type) throws -> Double { try self.decodePrimitive(type) }
    public func decode(_ type: Float.Type) throws -> Float { try self.decodePrimitive(type) }
    public func decode(_ type: Int.Type) throws -> Int { try self.decodePrimitive(type) }
    public func decode(_ type: Int8.Type) throws -> Int8 { try self.decodePrimitive(type) }
    public func decode(_ type: Int16.Type) throws -> Int16 { try self.decodePrimitive(type) }
    public func decode(_ type: Int32.Type) throws -> Int32 { try self.decodePrimitive(type) }
    public func decode(_ type: Int64.Type) throws -> Int64 { try self.decodePrimitive(type) }
    public func decode(_ type: UInt.Type) throws -> UInt { try self.decodePrimitive(type) }
    public func decode(_ type: UInt8.Type) throws -> UInt8 { try self.decodePrimitive(type) }
    public func decode(_ type: UInt16.Type) throws -> UInt16 { try self.decodePrimitive(type) }
    public func decode(_ type: UInt32.Type) throws -> UInt32 { try self.decodePrimitive(type) }
    public func decode(_ type: UInt64.Type) throws -> UInt64 { try self.decodePrimitive(type) }
    public func decode(_ type: Data.Type) throws -> Data { try self.decodePrimitive(type) }
    public func decode(_ type: Date.Type) throws -> Date { try self.decodePrimitive(type) }
    public func decode(_ type: UUID.Type) throws -> UUID { try self.decodePrimitive(type) }
    public func decode(_ type: Decimal.Type) throws -> Decimal { try self.decodePrimitive(type) }
    public func decode(_ type: Money.Type) throws -> Money { try self.decodePrimitive(type) }

    /// Decodes the current field's value, a message with generated coding, calling its generated initializer
    /// directly.
    public func decode<M: WireMessage>(_ type: M.Type) throws -> M {
        try self.stateReference.withObject { state in
            try state.decodeMessage(type, content: try self.lengthDelimitedPayload(for: M.self, state), level: self.level + 1, key: self.key)
        }
    }

    /// Decodes the current field's value, a sequence of messages with generated coding, calling their generated
    /// initializer directly.
    public func decode<M: WireMessage>(_ type: [M].Type) throws -> [M] {
        try self.stateReference.withObject { state in
            let content = try self.lengthDelimitedPayload(for: [M].self, state)
            try state.enterValue(level: self.level + 1, key: self.key)
            defer { state.leaveValue() }
            var container = try BinaryUnkeyedDecodingContainer(state: state, content: content, level: self.level + 1)
            var elements: [M] = []
            elements.reserveCapacity(ClaimedCount.reservation(for: container.elementCount))
            while !container.isAtEnd {
                elements.append(try container.decodeMessage(M.self))
            }
            try container.expectEnd()
            return elements
        }
    }

    private func lengthDelimitedPayload(for type: Any.Type, _ state: DecodingState) throws -> Range<Int> {
        guard self.field.wireType == .lengthDelimited else {
            throw state.wireTypeMismatch(type, expected: .lengthDelimited, actual: self.field.wireType, level: self.level, key: self.key.key)
        }
        return self.field.payload
    }

    /// Decodes the current field's value of any other type: a nested message, a sequence, an enum.
    public func decode<T: Decodable>(_ type: T.Type) throws -> T {
        try self.stateReference.withObject { state in
            let decoder = BinaryValueDecoder(
                state: state, slot: .field, range: self.field.payload, wireType: self.field.wireType, level: self.level + 1)
            return try state.decodeValue(type, from: decoder, key: self.key)
        }
    }
}
