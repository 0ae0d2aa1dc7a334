/// Reads a sequence: a varint element count, then the elements in order, untagged.
struct BinaryUnkeyedDecodingContainer: UnkeyedDecodingContainer {
    let state: DecodingState
    let end: Int
    /// The level of the value this container decodes; its elements are one level deeper.
    let level: Int
    /// The count the sequence announced; at most the bytes that follow, as each element takes at least one.
    let elementCount: Int
    private var position: Int
    private(set) var currentIndex = 0

    init(state: DecodingState, content: Range<Int>, level: Int) throws {
        self.state = state
        self.end = content.upperBound
        self.level = level
        var reader = state.reader(content)
        do throws(WireError) {
            let count = try reader.readVarint()
            // Checked before anything is allocated: a count of 2^31 in a few bytes is rejected here.
            guard count <= UInt64(reader.remaining) else {
                throw .valueOutOfRange("sequence claims \(count) elements but only \(reader.remaining) byte(s) follow")
            }
            self.elementCount = Int(count)
        } catch {
            throw state.corrupted(error, level: level, key: nil)
        }
        self.position = reader.position
    }

    var codingPath: [any CodingKey] { self.state.codingPath(level: self.level) }
    var count: Int? { self.elementCount }
    var isAtEnd: Bool { self.currentIndex >= self.elementCount }

    private var currentKey: IndexCodingKey { IndexCodingKey(self.currentIndex) }

    private func corrupted(_ error: WireError) -> any Error {
        self.state.corrupted(error, level: self.level, key: self.currentKey)
    }

    private func checkNotAtEnd<T>(_ type: T.Type) throws {
        guard !self.isAtEnd else { throw self.noElementLeft(type) }
    }

    @inline(never)
    private func noElementLeft(_ type: Any.Type) -> any Error {
        DecodingError.valueNotFound(
            type,
            DecodingError.Context(
                codingPath: self.state.codingPath(level: self.level, appending: self.currentKey),
                debugDescription: "the sequence has no element left (count \(self.elementCount))")
        )
    }

    // MARK: Elements

    mutating func decodeNil() throws -> Bool {
        try self.checkNotAtEnd(Any?.self)
        var reader = self.state.reader(self.position..<self.end)
        do throws(WireError) {
            let isPresent = try reader.readPresence()
            self.position = reader.position
            // A present value follows its presence byte and is the same element.
            if !isPresent { self.currentIndex += 1 }
            return !isPresent
        } catch {
            throw self.corrupted(error)
        }
    }

    @inline(__always)
    mutating func decodePrimitive<P: BinaryPrimitive>(_ type: P.Type) throws -> P {
        try self.checkNotAtEnd(type)
        var reader = self.state.reader(self.position..<self.end)
        do {
            let value: P
            if P.wireType == .lengthDelimited {
                var content = self.state.reader(try reader.readLengthDelimited())
                value = try P.read(from: &content)
                try content.expectEnd()
            } else {
                value = try P.read(from: &reader)
            }
            self.position = reader.position
            self.currentIndex += 1
            return value
        } catch {
            throw self.corrupted(error)
        }
    }

    mutating func decode(_ type: Bool.Type) throws -> Bool { try self.decodePrimitive(type) }
    mutating func decode(_ type: String.Type) throws -> String { try self.decodePrimitive(type) }
    mutating func decode(_ type: Double.Type) throws -> Double { try self.decodePrimitive(type) }
    mutating func decode(_ type: Float.Type) throws -> Float { try self.decodePrimitive(type) }
    mutating func decode(_ type: Int.Type) throws -> Int { try self.decodePrimitive(type) }
    mutating func decode(_ type: Int8.Type) throws -> Int8 { try self.decodePrimitive(type) }
    mutating func decode(_ type: Int16.Type) throws -> Int16 { try self.decodePrimitive(type) }
    mutating func decode(_ type: Int32.Type) throws -> Int32 { try self.decodePrimitive(type) }
    mutating func decode(_ type: Int64.Type) throws -> Int64 { try self.decodePrimitive(type) }
    mutating func decode(_ type: UInt.Type) throws -> UInt { try self.decodePrimitive(type) }
    mutating func decode(_ type: UInt8.Type) throws -> UInt8 { try self.decodePrimitive(type) }
    mutating func decode(_ type: UInt16.Type) throws -> UInt16 { try self.decodePrimitive(type) }
    mutating func decode(_ type: UInt32.Type) throws -> UInt32 { try self.decodePrimitive(type) }
    mutating func decode(_ type: UInt64.Type) throws -> UInt64 { try self.decodePrimitive(type) }

    mutating func decode<T: Decodable>(_ type: T.Type) throws -> T {
        try self.decodeElement(type, strategy: self.state.strategy(for: T.self))
    }

    /// Decodes the next element of any type; the element decoder reports where it ended.
    mutating func decodeElement<T: Decodable>(_ type: T.Type, strategy: DecodingStrategy) throws -> T {
        try self.checkNotAtEnd(type)
        let elementLevel = self.level + 1
        let start = self.position
        let elementSlot = self.state.levelSlot(elementLevel)
        elementSlot.pointee.elementEnd = start
        let decoder = BinaryValueDecoder(state: self.state, slot: .element, range: start..<self.end, level: elementLevel)
        let value = try self.state.decodeValue(type, from: decoder, key: PathKey(index: self.currentIndex), strategy: strategy)
        var elementEnd = elementSlot.pointee.elementEnd
        if elementEnd == start {
            // The type read nothing (it has no properties): its element is a message, skipped whole. Every element
            // thus takes at least one byte, which bounds the loop by the input.
            var reader = self.state.reader(start..<self.end)
            do throws(WireError) {
                _ = try reader.readLengthDelimited()
            } catch {
                throw self.corrupted(error)
            }
            elementEnd = reader.position
        }
        self.position = elementEnd
        self.currentIndex += 1
        return value
    }

    /// Decodes the next element, a message with generated coding, calling its generated initializer directly.
    mutating func decodeMessage<M: WireMessage>(_ type: M.Type) throws -> M {
        try self.checkNotAtEnd(type)
        let content = try self.nextLengthDelimited(advancing: false)
        let message = try self.state.decodeMessage(type, content: content, level: self.level + 1, key: PathKey(index: self.currentIndex))
        self.position = content.upperBound
        self.currentIndex += 1
        return message
    }

    /// Throws unless the last element ended exactly where the sequence does: bytes left over after the announced
    /// count are not a shorter sequence but a corrupt one.
    func expectEnd() throws {
        guard self.position == self.end else {
            throw self.state.corrupted(.trailingBytes(self.end - self.position), level: self.level, key: nil)
        }
    }

    // MARK: Nested containers

    /// The next element's length-delimited content; `advancing` moves past the element.
    private mutating func nextLengthDelimited(advancing: Bool = true) throws -> Range<Int> {
        try self.checkNotAtEnd(Any.self)
        var reader = self.state.reader(self.position..<self.end)
        do {
            let content = try reader.readLengthDelimited()
            if advancing {
                self.position = reader.position
                self.currentIndex += 1
            }
            return content
        } catch {
            throw self.corrupted(error)
        }
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type) throws -> KeyedDecodingContainer<NestedKey> {
        self.state.keyedContainer(keyedBy: type, message: try self.nextLengthDelimited(), level: self.level + 1)
    }

    mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer {
        try BinaryUnkeyedDecodingContainer(state: self.state, content: try self.nextLengthDelimited(), level: self.level + 1)
    }

    /// The super value is a length-delimited element holding a top-level encoding.
    mutating func superDecoder() throws -> any Decoder {
        BinaryValueDecoder(state: self.state, slot: .top, range: try self.nextLengthDelimited(), level: self.level + 1)
    }
}
