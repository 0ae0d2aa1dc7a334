/// The `Encoder` handed to one value's `encode(to:)`: it knows the value's slot and, for a field, where its tag is.
///
/// It is three words or less so that passing it as `any Encoder` does not allocate.
struct BinaryValueEncoder: Encoder {
    private let stateReference: UnretainedReference<EncodingState>
    var state: EncodingState { self.stateReference.object }
    private let tagOffsetStorage: UInt32
    private let slotStartStorage: UInt32
    let slot: CodingSlot
    private let levelStorage: UInt16

    init(state: borrowing EncodingState, slot: CodingSlot, tagOffset: Int, slotStart: Int, level: Int) {
        self.stateReference = UnretainedReference(state)
        self.slot = slot
        self.tagOffsetStorage = UInt32(truncatingIfNeeded: tagOffset)
        self.slotStartStorage = UInt32(truncatingIfNeeded: slotStart)
        self.levelStorage = UInt16(truncatingIfNeeded: level)
    }

    /// The offset of the field tag's first byte (meaningful in a field slot).
    var tagOffset: Int { Int(self.tagOffsetStorage) }
    /// Where the value's bytes begin.
    var slotStart: Int { Int(self.slotStartStorage) }
    var level: Int { Int(self.levelStorage) }

    var codingPath: [any CodingKey] { self.state.codingPath(level: self.level) }
    var userInfo: [CodingUserInfoKey: Any] { self.state.userInfo }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        return self.stateReference.withObject { state in
            let frame = state.openFrame(slot: self.slot, tagOffset: self.tagOffset, slotStart: self.slotStart, counted: false)
            return state.keyedContainer(keyedBy: type, frame: frame, level: self.level)
        }
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        return self.stateReference.withObject { state in
            let frame = state.openFrame(slot: self.slot, tagOffset: self.tagOffset, slotStart: self.slotStart, counted: true)
            return BinaryUnkeyedEncodingContainer(state: state, frame: frame, level: self.level)
        }
    }

    func singleValueContainer() -> any SingleValueEncodingContainer {
        BinarySingleValueEncodingContainer(encoder: self)
    }

    // MARK: Writing in this slot

    func encodeNil() {
        self.stateReference.withObject { state in
            // An absent field is nil; elsewhere nil is the presence byte 0.
            if self.slot == .field {
                state.nilFieldStart = self.slotStart
            } else {
                state.writer.append(0)
            }
        }
    }

    @inline(__always)
    func encodePrimitive<P: BinaryPrimitive>(_ value: P) throws {
        try self.stateReference.withObject { state in
            if self.slot == .field { state.writer.patchWireType(P.wireType, tagAt: self.tagOffset) }
            do throws(WireError) {
                try value.write(to: &state.writer, prefixed: self.slot.isPrefixed)
            } catch {
                throw state.invalidValue(value, error, level: self.level, key: nil)
            }
        }
    }

    /// Encodes `value` as this slot's content, for wrappers such as Optional or a single-value container.
    func encodeInSameSlot<T: Encodable>(_ value: T) throws {
        try self.stateReference.withObject { state in
            try state.encodeValue(value, slot: self.slot, tagOffset: self.tagOffset, level: self.level, key: nil)
        }
    }

    /// Encodes an array as a sequence, writing primitive elements in one tight loop.
    func encodeArray<Element: Encodable>(_ array: [Element]) throws {
        try self.stateReference.withObject { state in
            let frameCount = state.frames.count
            _ = state.openSequence(slot: self.slot, tagOffset: self.tagOffset, slotStart: self.slotStart, count: array.count)
            let strategy = state.strategy(for: Element.self)
            switch strategy {
            case .primitive(let primitive):
                try self.writePrimitives(array, as: primitive)
            case .message(let message):
                try Self.encodeMessages(array, as: message, state: state, level: self.level + 1)
            case .direct, .conformance:
                for index in array.indices {
                    try state.encodeElement(array[index], index: index, level: self.level + 1, strategy: strategy)
                }
            }
            state.closeFrames(downTo: frameCount)
        }
    }

    private func writePrimitives<Element, P: BinaryPrimitive>(_ array: [Element], as type: P.Type) throws {
        // `Element` is `P`, as the strategy lookup proved, so the cast cannot fail; it copies the array's reference.
        let elements = array as! [P]
        for index in elements.indices {
            do {
                try elements[index].write(to: &self.state.writer, prefixed: true)
            } catch {
                throw self.state.invalidValue(elements[index], error, level: self.level + 1, key: IndexCodingKey(index))
            }
        }
    }

    private static func encodeMessages<Element, M: WireMessage>(_ array: [Element], as type: M.Type, state: EncodingState, level: Int) throws {
        // `Element` is `M`, as the strategy lookup proved, so the cast cannot fail; it copies the array's reference.
        try state.encodeMessageElements(array as! [M], level: level)
    }

    /// Encodes a dictionary as the sequence of its keys and values.
    func encodeDictionary<Key: Encodable, Value: Encodable>(_ dictionary: [Key: Value]) throws {
        try self.stateReference.withObject { state in
            let frameCount = state.frames.count
            _ = state.openSequence(slot: self.slot, tagOffset: self.tagOffset, slotStart: self.slotStart, count: dictionary.count * 2)
            let keyStrategy = state.strategy(for: Key.self)
            let valueStrategy = state.strategy(for: Value.self)
            var index = 0
            for (key, value) in dictionary {
                try state.encodeElement(key, index: index, level: self.level + 1, strategy: keyStrategy)
                try state.encodeElement(value, index: index + 1, level: self.level + 1, strategy: valueStrategy)
                index += 2
            }
            state.closeFrames(downTo: frameCount)
        }
    }
}

/// The single-value container of a value: writes go straight into the value's slot.
struct BinarySingleValueEncodingContainer: SingleValueEncodingContainer {
    let encoder: BinaryValueEncoder

    var codingPath: [any CodingKey] { self.encoder.codingPath }

    mutating func encodeNil() throws { self.encoder.encodeNil() }
    mutating func encode(_ value: Bool) throws { try self.encoder.encodePrimitive(value) }
    mutating func encode(_ value: String) throws { try self.encoder.encodePrimitive(value) }
    mutating func encode(_ value: Double) throws { try self.encoder.encodePrimitive(value) }
    mutating func encode(_ value: Float) throws { try self.encoder.encodePrimitive(value) }
    mutating func encode(_ value: Int) throws { try self.encoder.encodePrimitive(value) }
    mutating func encode(_ value: Int8) throws { try self.encoder.encodePrimitive(value) }
    mutating func encode(_ value: Int16) throws { try self.encoder.encodePrimitive(value) }
    mutating func encode(_ value: Int32) throws { try self.encoder.encodePrimitive(value) }
    mutating func encode(_ value: Int64) throws { try self.encoder.encodePrimitive(value) }
    mutating func encode(_ value: UInt) throws { try self.encoder.encodePrimitive(value) }
    mutating func encode(_ value: UInt8) throws { try self.encoder.encodePrimitive(value) }
    mutating func encode(_ value: UInt16) throws { try self.encoder.encodePrimitive(value) }
    mutating func encode(_ value: UInt32) throws { try self.encoder.encodePrimitive(value) }
    mutating func encode(_ value: UInt64) throws { try self.encoder.encodePrimitive(value) }
    mutating func encode<T: Encodable>(_ value: T) throws { try self.encoder.encodeInSameSlot(value) }
}
