/// A message: each field is a tag (field number and wire type) followed by its value, in the order written.
struct BinaryKeyedEncodingContainer<Key: CodingKey>: KeyedEncodingContainerProtocol {
    private let stateReference: UnretainedReference<EncodingState>
    let frame: EncodingState.FrameHandle
    /// The level of the value this container encodes; its fields are one level deeper.
    let level: Int

    init(state: borrowing EncodingState, frame: EncodingState.FrameHandle, level: Int) {
        self.stateReference = UnretainedReference(state)
        self.frame = frame
        self.level = level
    }

    private var state: EncodingState { self.stateReference.object }

    var codingPath: [any CodingKey] { self.state.codingPath(level: self.level) }

    // MARK: Primitives

    @inline(__always)
    private func encodePrimitive<P: BinaryPrimitive>(_ value: P, forKey key: Key) throws {
        try self.stateReference.withObject { state in
            try state.prepareWrite(to: self.frame, level: self.level)
            try state.encodePrimitiveField(value, key: PathKey(key), level: self.level)
        }
    }

    mutating func encodeNil(forKey key: Key) throws {
        // nil is an absent field.
        try self.stateReference.withObject { try $0.prepareWrite(to: self.frame, level: self.level) }
    }

    mutating func encode(_ value: Bool, forKey key: Key) throws { try self.encodePrimitive(value, forKey: key) }
    mutating func encode(_ value: String, forKey key: Key) throws { try self.encodePrimitive(value, forKey: key) }
    mutating func encode(_ value: Double, forKey key: Key) throws { try self.encodePrimitive(value, forKey: key) }
    mutating func encode(_ value: Float, forKey key: Key) throws { try self.encodePrimitive(value, forKey: key) }
    mutating func encode(_ value: Int, forKey key: Key) throws { try self.encodePrimitive(value, forKey: key) }
    mutating func encode(_ value: Int8, forKey key: Key) throws { try self.encodePrimitive(value, forKey: key) }
    mutating func encode(_ value: Int16, forKey key: Key) throws { try self.encodePrimitive(value, forKey: key) }
    mutating func encode(_ value: Int32, forKey key: Key) throws { try self.encodePrimitive(value, forKey: key) }
    mutating func encode(_ value: Int64, forKey key: Key) throws { try self.encodePrimitive(value, forKey: key) }
    mutating func encode(_ value: UInt, forKey key: Key) throws { try self.encodePrimitive(value, forKey: key) }
    mutating func encode(_ value: UInt8, forKey key: Key) throws { try self.encodePrimitive(value, forKey: key) }
    mutating func encode(_ value: UInt16, forKey key: Key) throws { try self.encodePrimitive(value, forKey: key) }
    mutating func encode(_ value: UInt32, forKey key: Key) throws { try self.encodePrimitive(value, forKey: key) }
    mutating func encode(_ value: UInt64, forKey key: Key) throws { try self.encodePrimitive(value, forKey: key) }

    // MARK: Values

    mutating func encodeIfPresent<T: Encodable>(_ value: T?, forKey key: Key) throws {
        guard let value else {
            try self.stateReference.withObject { try $0.prepareWrite(to: self.frame, level: self.level) }
            return
        }
        try self.encode(value, forKey: key)
    }

    mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
        try self.stateReference.withObject { state in
            try state.prepareWrite(to: self.frame, level: self.level)
            try state.encodeField(value, key: PathKey(key), level: self.level)
        }
    }

    // MARK: Nested containers

    /// Writes the tag of a field whose value is a container opened right here, and opens its frame.
    private func openNestedFrame(forKey key: some CodingKey, counted: Bool) -> EncodingState.FrameHandle {
        do {
            try self.state.prepareWrite(to: self.frame, level: self.level)
            let tagOffset = self.state.writer.count
            try self.state.writeTag(for: PathKey(key), wireType: .lengthDelimited, level: self.level)
            return self.state.openFrame(slot: .field, tagOffset: tagOffset, slotStart: self.state.writer.count, counted: counted)
        } catch {
            // The protocol does not let this throw; the error surfaces when the enclosing value finishes.
            self.state.deferError(error)
            return self.state.openFrame(slot: .top, tagOffset: 0, slotStart: self.state.writer.count, counted: counted)
        }
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type, forKey key: Key) -> KeyedEncodingContainer<NestedKey> {
        let frame = self.openNestedFrame(forKey: key, counted: false)
        return self.state.keyedContainer(keyedBy: keyType, frame: frame, level: self.level + 1)
    }

    mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
        let frame = self.openNestedFrame(forKey: key, counted: true)
        return BinaryUnkeyedEncodingContainer(state: self.state, frame: frame, level: self.level + 1)
    }

    mutating func superEncoder() -> any Encoder {
        self.superEncoder(key: SuperCodingKey())
    }

    mutating func superEncoder(forKey key: Key) -> any Encoder {
        self.superEncoder(key: key)
    }

    /// The super value is a length-delimited field whose content is the value's top-level encoding.
    private func superEncoder(key: some CodingKey) -> any Encoder {
        _ = self.openNestedFrame(forKey: key, counted: false)
        return BinaryValueEncoder(state: self.state, slot: .top, tagOffset: 0, slotStart: self.state.writer.count, level: self.level + 1)
    }
}
