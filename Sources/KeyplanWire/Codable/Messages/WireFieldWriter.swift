#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif

/// Writes the fields of one ``WireMessage``, for the message's generated `encode(wireFields:)`: each field is its
/// tag and its value, in the order written, exactly as the keyed container writes them.
///
/// Noncopyable: it refers to the encoder's state without retaining it, so it must not outlive the call it is lent to.
public struct WireFieldWriter: ~Copyable {
    private let stateReference: UnretainedReference<EncodingState>
    /// The level of the message; its fields are one level deeper.
    private let level: Int
    private let keys: any CodingKey.Type

    init(state: borrowing EncodingState, level: Int, keys: any CodingKey.Type) {
        self.stateReference = UnretainedReference(state)
        self.level = level
        self.keys = keys
    }

    @inline(__always)
    private func key(_ number: Int) -> PathKey { PathKey(number: number, of: self.keys) }

    @inline(__always)
    private func encodePrimitive<P: BinaryPrimitive>(_ value: P, field number: Int) throws {
        try self.stateReference.withObject { state in
            try state.encodePrimitiveField(value, key: self.key(number), level: self.level)
        }
    }

    public mutating func encode(_ value: Bool, field number: Int) throws { try self.encodePrimitive(value, field: number) }
    public mutating func encode(_ value: String, field number: Int) throws { try self.encodePrimitive(value, field: number) }
    public mutating func encode(_ value: Double, field number: Int) throws { try self.encodePrimitive(value, field: number) }
    public mutating func encode(_ value: Float, field number: Int) throws { try self.encodePrimitive(value, field: number) }
    public mutating func encode(_ value: Int, field number: Int) throws { try self.encodePrimitive(value, field: number) }
    public mutating func encode(_ value: Int8, field number: Int) throws { try self.encodePrimitive(value, field: number) }
    public mutating func encode(_ value: Int16, field number: Int) throws { try self.encodePrimitive(value, field: number) }
    public mutating func encode(_ value: Int32, field number: Int) throws { try self.encodePrimitive(value, field: number) }
    public mutating func encode(_ value: Int64, field number: Int) throws { try self.encodePrimitive(value, field: number) }
    public mutating func encode(_ value: UInt, field number: Int) throws { try self.encodePrimitive(value, field: number) }
    public mutating func encode(_ value: UInt8, field number: Int) throws { try self.encodePrimitive(value, field: number) }
    public mutating func encode(_ value: UInt16, field number: Int) throws { try self.encodePrimitive(value, field: number) }
    public mutating func encode(_ value: UInt32, field number: Int) throws { try self.encodePrimitive(value, field: number) }
    public mutating func encode(_ value: UInt64, field number: Int) throws { try self.encodePrimitive(value, field: number) }
    public mutating func encode(_ value: Data, field number: Int) throws { try self.encodePrimitive(value, field: number) }
    public mutating func encode(_ value: Date, field number: Int) throws { try self.encodePrimitive(value, field: number) }
    public mutating func encode(_ value: UUID, field number: Int) throws { try self.encodePrimitive(value, field: number) }
    public mutating func encode(_ value: Decimal, field number: Int) throws { try self.encodePrimitive(value, field: number) }
    public mutating func encode(_ value: Money, field number: Int) throws { try self.encodePrimitive(value, field: number) }

    /// Encodes a field holding a message with generated coding, calling its generated code directly.
    public mutating func encode<M: WireMessage>(_ value: M, field number: Int) throws {
        try self.stateReference.withObject { state in
            try state.encodeMessageField(value, key: self.key(number), level: self.level)
        }
    }

    /// Encodes a field holding a sequence of messages with generated coding, calling their generated code directly.
    public mutating func encode<M: WireMessage>(_ value: [M], field number: Int) throws {
        try self.stateReference.withObject { state in
            try state.encodeMessagesField(value, key: self.key(number), level: self.level)
        }
    }

    /// Encodes a field of any other type: a nested message, a sequence, an enum.
    public mutating func encode<T: Encodable>(_ value: T, field number: Int) throws {
        try self.stateReference.withObject { state in
            try state.encodeField(value, key: self.key(number), level: self.level)
        }
    }
}
