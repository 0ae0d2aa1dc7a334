/// A type the binary coders encode through their own fast path instead of its `Encodable` conformance.
///
/// The coders check for it once per generic value (a metatype conformance test), never per field of a primitive
/// type: those arrive through the containers' concrete overloads.
protocol BinaryDirectEncodable {
    func encodeDirectly(to encoder: BinaryValueEncoder) throws
}

/// A type the binary coders decode through their own fast path instead of its `Decodable` conformance.
protocol BinaryDirectDecodable {
    static func decodeDirectly(from decoder: BinaryValueDecoder) throws -> Self
}

typealias BinaryDirectCodable = BinaryDirectEncodable & BinaryDirectDecodable

// MARK: - Optional

/// In a field, nil is an absent field; elsewhere a presence byte (0 nil, 1 present) precedes the value.
extension Optional: BinaryDirectEncodable where Wrapped: Encodable {
    func encodeDirectly(to encoder: BinaryValueEncoder) throws {
        switch self {
        case .none:
            encoder.encodeNil()
        case .some(let wrapped):
            if encoder.slot != .field { encoder.state.writer.append(1) }
            try encoder.encodeInSameSlot(wrapped)
        }
    }
}

extension Optional: BinaryDirectDecodable where Wrapped: Decodable {
    static func decodeDirectly(from decoder: BinaryValueDecoder) throws -> Wrapped? {
        // A field slot exists only when the field is present; absent fields never reach here.
        if decoder.slot != .field, try decoder.decodeNil() { return nil }
        return try decoder.decodeInSameSlot(Wrapped.self)
    }
}

// MARK: - Array

/// A sequence: length-delimited content of a varint element count followed by the elements.
extension Array: BinaryDirectEncodable where Element: Encodable {
    func encodeDirectly(to encoder: BinaryValueEncoder) throws {
        try encoder.encodeArray(self)
    }
}

extension Array: BinaryDirectDecodable where Element: Decodable {
    static func decodeDirectly(from decoder: BinaryValueDecoder) throws -> [Element] {
        try decoder.decodeArray(of: Element.self)
    }
}

// MARK: - Dictionary

/// A dictionary is a sequence of its entries, key then value, in unspecified order: `2 × count` elements.
/// This serves every key type alike, where Swift's own conformance would use a keyed container for String and Int
/// keys, whose arbitrary names and numbers could not be field numbers.
extension Dictionary: BinaryDirectEncodable where Key: Encodable, Value: Encodable {
    func encodeDirectly(to encoder: BinaryValueEncoder) throws {
        try encoder.encodeDictionary(self)
    }
}

extension Dictionary: BinaryDirectDecodable where Key: Decodable, Value: Decodable {
    static func decodeDirectly(from decoder: BinaryValueDecoder) throws -> [Key: Value] {
        try decoder.decodeDictionary(of: Key.self, Value.self)
    }
}
