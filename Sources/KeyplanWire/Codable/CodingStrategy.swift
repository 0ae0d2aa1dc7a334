/// How the coders handle values of one type, decided once per type and call rather than cast per value.
enum CodingStrategy<Direct> {
    /// A primitive: read and written in place, with no encoder or decoder of its own.
    case primitive(any BinaryPrimitive.Type)
    /// A type with its own fast path (Optional, Array, Dictionary).
    case direct(Direct)
    /// Any other type: through its `Codable` conformance.
    case conformance
}

/// A small direct-mapped cache from a type to its ``CodingStrategy``.
///
/// `T.self as? any P.Type` asks the runtime's conformance cache, which costs tens of nanoseconds a lookup; a message
/// has a handful of field types, so a few slots indexed by the metadata address answer nearly every lookup.
struct CodingStrategyCache<Direct> {
    private struct Entry {
        let type: ObjectIdentifier
        let strategy: CodingStrategy<Direct>
    }

    private static var slotCount: Int { 32 }
    private var entries: [Entry?] = []

    @inline(__always)
    mutating func strategy(for type: Any.Type, compute: (Any.Type) -> CodingStrategy<Direct>) -> CodingStrategy<Direct> {
        let identifier = ObjectIdentifier(type)
        // Metadata records are at least 16-byte aligned: the low bits carry no information.
        let slot = Int(truncatingIfNeeded: UInt(bitPattern: identifier) >> 4) & (Self.slotCount - 1)
        if self.entries.isEmpty { self.entries = Array(repeating: nil, count: Self.slotCount) }
        if let entry = self.entries[slot], entry.type == identifier { return entry.strategy }
        let strategy = compute(type)
        self.entries[slot] = Entry(type: identifier, strategy: strategy)
        return strategy
    }
}

extension CodingStrategy where Direct == any BinaryDirectEncodable.Type {
    static func forEncoding(_ type: Any.Type) -> Self {
        if let primitive = type as? any BinaryPrimitive.Type { return .primitive(primitive) }
        if let direct = type as? any BinaryDirectEncodable.Type { return .direct(direct) }
        return .conformance
    }
}

extension CodingStrategy where Direct == any BinaryDirectDecodable.Type {
    static func forDecoding(_ type: Any.Type) -> Self {
        if let primitive = type as? any BinaryPrimitive.Type { return .primitive(primitive) }
        if let direct = type as? any BinaryDirectDecodable.Type { return .direct(direct) }
        return .conformance
    }
}
