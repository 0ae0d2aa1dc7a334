/// A sequence: a varint element count, patched when the container closes, followed by the elements untagged.
struct BinaryUnkeyedEncodingContainer: UnkeyedEncodingContainer {
    let state: EncodingState
    let frame: EncodingState.FrameHandle
    /// The level of the value this container encodes; its elements are one level deeper.
    let level: Int
    private(set) var count = 0

    init(state: EncodingState, frame: EncodingState.FrameHandle, level: Int) {
        self.state = state
        self.frame = frame
        self.level = level
    }

    var codingPath: [any CodingKey] { self.state.codingPath(level: self.level) }

    /// Readies the frame for the next element and counts it.
    private mutating func beginElement() throws {
        try self.state.prepareWrite(to: self.frame, level: self.level)
        self.state.countElement(in: self.frame)
        self.count += 1
    }

    @inline(__always)
    private mutating func encodePrimitive<P: BinaryPrimitive>(_ value: P) throws {
        let index = self.count
        try self.beginElement()
        do {
            try value.write(to: &self.state.writer, prefixed: true)
        } catch {
            throw self.state.invalidValue(value, error, level: self.level, key: IndexCodingKey(index))
        }
    }

    mutating func encodeNil() throws {
        try self.beginElement()
        self.state.writer.append(0)
    }

    mutating func encode(_ value: Bool) throws { try self.encodePrimitive(value) }
    mutating func encode(_ value: String) throws { try self.encodePrimitive(value) }
    mutating func encode(_ value: Double) throws { try self.encodePrimitive(value) }
    mutating func encode(_ value: Float) throws { try self.encodePrimitive(value) }
    mutating func encode(_ value: Int) throws { try self.encodePrimitive(value) }
    mutating func encode(_ value: Int8) throws { try self.encodePrimitive(value) }
    mutating func encode(_ value: Int16) throws { try self.encodePrimitive(value) }
    mutating func encode(_ value: Int32) throws { try self.encodePrimitive(value) }
    mutating func encode(_ value: Int64) throws { try self.encodePrimitive(value) }
    mutating func encode(_ value: UInt) throws { try self.encodePrimitive(value) }
    mutating func encode(_ value: UInt8) throws { try self.encodePrimitive(value) }
    mutating func encode(_ value: UInt16) throws { try self.encodePrimitive(value) }
    mutating func encode(_ value: UInt32) throws { try self.encodePrimitive(value) }
    mutating func encode(_ value: UInt64) throws { try self.encodePrimitive(value) }

    mutating func encode<T: Encodable>(_ value: T) throws {
        let index = self.count
        try self.beginElement()
        try self.state.encodeElement(value, index: index, level: self.level + 1)
    }

    /// Opens the frame of an element that is itself a container.
    private mutating func openNestedFrame(counted: Bool, slot: CodingSlot = .element) -> EncodingState.FrameHandle {
        do {
            try self.beginElement()
        } catch {
            self.state.deferError(error)
        }
        return self.state.openFrame(slot: slot, tagOffset: 0, slotStart: self.state.writer.count, counted: counted)
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
        let frame = self.openNestedFrame(counted: false)
        return self.state.keyedContainer(keyedBy: keyType, frame: frame, level: self.level + 1)
    }

    mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
        let frame = self.openNestedFrame(counted: true)
        return BinaryUnkeyedEncodingContainer(state: self.state, frame: frame, level: self.level + 1)
    }

    /// The super value is a length-delimited element whose content is the value's top-level encoding.
    mutating func superEncoder() -> any Encoder {
        _ = self.openNestedFrame(counted: false)
        return BinaryValueEncoder(state: self.state, slot: .top, tagOffset: 0, slotStart: self.state.writer.count, level: self.level + 1)
    }
}
