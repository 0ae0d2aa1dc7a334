/// The `Decoder` handed to one value's `init(from:)`: it knows the value's slot and extent.
///
/// - field: `start..<end` is the payload (a length-delimited value's content) and `wireType` its wire type;
/// - element: the value starts at `start` and may run to `end`, the end of its sequence; it records where it ended;
/// - top: `start..<end` is the whole value.
///
/// It is three words or less so that passing it as `any Decoder` does not allocate.
struct BinaryValueDecoder: Decoder {
    private let stateReference: UnretainedReference<DecodingState>
    var state: DecodingState { self.stateReference.object }
    private let startStorage: UInt32
    private let endStorage: UInt32
    private let levelStorage: UInt16
    let slot: CodingSlot
    let wireType: WireType

    init(state: borrowing DecodingState, slot: CodingSlot, range: Range<Int>, wireType: WireType = .lengthDelimited, level: Int) {
        self.stateReference = UnretainedReference(state)
        self.slot = slot
        self.startStorage = UInt32(truncatingIfNeeded: range.lowerBound)
        self.endStorage = UInt32(truncatingIfNeeded: range.upperBound)
        self.wireType = wireType
        self.levelStorage = UInt16(truncatingIfNeeded: level)
    }

    var start: Int { Int(self.startStorage) }
    var end: Int { Int(self.endStorage) }
    var level: Int { Int(self.levelStorage) }

    var codingPath: [any CodingKey] { self.state.codingPath(level: self.level) }
    var userInfo: [CodingUserInfoKey: Any] { self.state.userInfo }

    private func corrupted(_ error: WireError) -> any Error {
        self.state.corrupted(error, level: self.level, key: nil)
    }

    /// Where the value's own bytes begin: after a presence byte that `decodeNil()` already consumed.
    @inline(__always)
    private func valueStart(_ state: DecodingState) -> Int {
        if state.presenceConsumedAt == self.start {
            state.presenceConsumedAt = -1
            return self.start + 1
        }
        return self.start
    }

    /// Records the end of this element's bytes for the sequence that decodes it.
    @inline(__always)
    private func consumed(upTo position: Int, _ state: DecodingState) {
        if self.slot == .element {
            state.levelSlot(self.level).pointee.elementEnd = position
        }
    }

    // MARK: Length-delimited content

    /// The content of a length-delimited value in this slot.
    func lengthDelimitedContent() throws -> Range<Int> {
        return try self.stateReference.withObject { state in
            switch self.slot {
            case .field:
                guard self.wireType == .lengthDelimited else {
                    throw self.corrupted(.wireTypeMismatch(expected: .lengthDelimited, actual: self.wireType))
                }
                return self.start..<self.end
            case .top:
                return self.valueStart(state)..<self.end
            case .element:
                var reader = state.reader(self.valueStart(state)..<self.end)
                do throws(WireError) {
                    let content = try reader.readLengthDelimited()
                    self.consumed(upTo: reader.position, state)
                    return content
                } catch {
                    throw self.corrupted(error)
                }
            }
        }
    }

    // MARK: Containers

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        return try self.stateReference.withObject { state in
            state.keyedContainer(keyedBy: type, message: try self.lengthDelimitedContent(), level: self.level)
        }
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        return try self.stateReference.withObject { state in
            try BinaryUnkeyedDecodingContainer(state: state, content: try self.lengthDelimitedContent(), level: self.level)
        }
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer {
        BinarySingleValueDecodingContainer(decoder: self)
    }

    // MARK: Reading this slot

    /// Reads the presence byte of an Optional outside a field: true for nil (0), false before a value (1).
    func decodeNil() throws -> Bool {
        return try self.stateReference.withObject { state in
            if self.slot == .field { return false }
            var reader = state.reader(self.start..<self.end)
            do throws(WireError) {
                guard try reader.readPresence() else {
                    self.consumed(upTo: reader.position, state)
                    return true
                }
                state.presenceConsumedAt = self.start
                return false
            } catch {
                throw self.corrupted(error)
            }
        }
    }

    @inline(__always)
    func decodePrimitive<P: BinaryPrimitive>(_ type: P.Type) throws -> P {
        return try self.stateReference.withObject { state in
            do {
                switch self.slot {
                case .field:
                    guard self.wireType == P.wireType else {
                        throw state.wireTypeMismatch(P.self, expected: P.wireType, actual: self.wireType, level: self.level, key: nil)
                    }
                    var reader = state.reader(self.start..<self.end)
                    let value = try P.read(from: &reader)
                    try reader.expectEnd()
                    return value
                case .top:
                    var reader = state.reader(self.valueStart(state)..<self.end)
                    let value = try P.read(from: &reader)
                    try reader.expectEnd()
                    return value
                case .element:
                    var reader = state.reader(self.valueStart(state)..<self.end)
                    let value: P
                    if P.wireType == .lengthDelimited {
                        var content = state.reader(try reader.readLengthDelimited())
                        value = try P.read(from: &content)
                        try content.expectEnd()
                    } else {
                        value = try P.read(from: &reader)
                    }
                    self.consumed(upTo: reader.position, state)
                    return value
                }
            } catch let error as WireError {
                throw self.corrupted(error)
            }
        }
    }

    /// Decodes `type` as this slot's content, for wrappers such as Optional or a single-value container.
    func decodeInSameSlot<T: Decodable>(_ type: T.Type) throws -> T {
        return try self.stateReference.withObject { state in
            let decoder = BinaryValueDecoder(
                state: state, slot: self.slot, range: self.valueStart(state)..<self.end, wireType: self.wireType, level: self.level)
            return try state.decodeValue(type, from: decoder, key: nil)
        }
    }

    /// Decodes a sequence into an array, reading primitive elements in one tight loop.
    func decodeArray<Element: Decodable>(of type: Element.Type) throws -> [Element] {
        return try self.stateReference.withObject { state in
            var container = try BinaryUnkeyedDecodingContainer(state: state, content: try self.lengthDelimitedContent(), level: self.level)
            let strategy = state.strategy(for: Element.self)
            if case .primitive(let primitive) = strategy {
                return try Self.decodePrimitives(as: primitive, of: Element.self, from: &container)
            }
            var elements: [Element] = []
            elements.reserveCapacity(ClaimedCount.reservation(for: container.elementCount))
            while !container.isAtEnd {
                elements.append(try container.decodeElement(Element.self, strategy: strategy))
            }
            try container.expectEnd()
            return elements
        }
    }

    private static func decodePrimitives<P: BinaryPrimitive, Element>(
        as type: P.Type, of elementType: Element.Type, from container: inout BinaryUnkeyedDecodingContainer
    ) throws -> [Element] {
        var elements: [P] = []
        elements.reserveCapacity(ClaimedCount.reservation(for: container.elementCount))
        while !container.isAtEnd {
            elements.append(try container.decodePrimitive(P.self))
        }
        try container.expectEnd()
        // `P` is `Element`, as the strategy lookup proved, so the cast cannot fail; it moves the array's reference.
        return elements as! [Element]
    }

    /// Decodes a sequence of alternating keys and values into a dictionary.
    func decodeDictionary<Key: Decodable & Hashable, Value: Decodable>(of keyType: Key.Type, _ valueType: Value.Type) throws -> [Key: Value] {
        return try self.stateReference.withObject { state in
            var container = try BinaryUnkeyedDecodingContainer(state: state, content: try self.lengthDelimitedContent(), level: self.level)
            guard container.elementCount % 2 == 0 else {
                throw self.corrupted(.invalidValue("a dictionary needs an even element count, found \(container.elementCount)"))
            }
            var dictionary: [Key: Value] = [:]
            dictionary.reserveCapacity(ClaimedCount.reservation(for: container.elementCount / 2))
            let keyStrategy = state.strategy(for: Key.self)
            let valueStrategy = state.strategy(for: Value.self)
            while !container.isAtEnd {
                let key = try container.decodeElement(Key.self, strategy: keyStrategy)
                let value = try container.decodeElement(Value.self, strategy: valueStrategy)
                guard dictionary.updateValue(value, forKey: key) == nil else {
                    throw self.corrupted(.invalidValue("duplicate dictionary key \(key)"))
                }
            }
            try container.expectEnd()
            return dictionary
        }
    }
}

/// The single-value container of a value: reads come straight from the value's slot.
struct BinarySingleValueDecodingContainer: SingleValueDecodingContainer {
    let decoder: BinaryValueDecoder

    var codingPath: [any CodingKey] { self.decoder.codingPath }

    func decodeNil() -> Bool {
        // The protocol cannot throw here; a malformed presence byte surfaces at the following read.
        (try? self.decoder.decodeNil()) ?? false
    }

    func decode(_ type: Bool.Type) throws -> Bool { try self.decoder.decodePrimitive(type) }
    func decode(_ type: String.Type) throws -> String { try self.decoder.decodePrimitive(type) }
    func decode(_ type: Double.Type) throws -> Double { try self.decoder.decodePrimitive(type) }
    func decode(_ type: Float.Type) throws -> Float { try self.decoder.decodePrimitive(type) }
    func decode(_ type: Int.Type) throws -> Int { try self.decoder.decodePrimitive(type) }
    func decode(_ type: Int8.Type) throws -> Int8 { try self.decoder.decodePrimitive(type) }
    func decode(_ type: Int16.Type) throws -> Int16 { try self.decoder.decodePrimitive(type) }
    func decode(_ type: Int32.Type) throws -> Int32 { try self.decoder.decodePrimitive(type) }
    func decode(_ type: Int64.Type) throws -> Int64 { try self.decoder.decodePrimitive(type) }
    func decode(_ type: UInt.Type) throws -> UInt { try self.decoder.decodePrimitive(type) }
    func decode(_ type: UInt8.Type) throws -> UInt8 { try self.decoder.decodePrimitive(type) }
    func decode(_ type: UInt16.Type) throws -> UInt16 { try self.decoder.decodePrimitive(type) }
    func decode(_ type: UInt32.Type) throws -> UInt32 { try self.decoder.decodePrimitive(type) }
    func decode(_ type: UInt64.Type) throws -> UInt64 { try self.decoder.decodePrimitive(type) }
    func decode<T: Decodable>(_ type: T.Type) throws -> T { try self.decoder.decodeInSameSlot(type) }
}
