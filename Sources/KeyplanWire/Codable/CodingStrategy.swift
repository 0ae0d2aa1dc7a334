import NIOConcurrencyHelpers

/// How the encoder handles values of one type, decided once per type and call rather than cast per value.
///
/// (The encoding and decoding strategies are separate, non-generic types on purpose: a generic enum used from the
/// coders' unspecialized generic code costs a runtime metadata lookup on every field.)
enum EncodingStrategy {
    /// A primitive: written in place, with no encoder of its own.
    case primitive(any BinaryPrimitive.Type)
    /// A type with its own fast path (Optional, Array, Dictionary).
    case direct(any BinaryDirectEncodable.Type)
    /// A message with generated coding.
    case message(any WireMessage.Type)
    /// Any other type: through its `Encodable` conformance.
    case conformance

    static func of(_ type: Any.Type) -> EncodingStrategy {
        if let primitive = type as? any BinaryPrimitive.Type { return .primitive(primitive) }
        if let direct = type as? any BinaryDirectEncodable.Type { return .direct(direct) }
        if let message = type as? any WireMessage.Type { return .message(message) }
        return .conformance
    }
}

/// How the decoder handles values of one type, decided once per type and call.
enum DecodingStrategy {
    /// A primitive: read in place, with no decoder of its own.
    case primitive(any BinaryPrimitive.Type)
    /// A type with its own fast path (Optional, Array, Dictionary).
    case direct(any BinaryDirectDecodable.Type)
    /// A message with generated coding.
    case message(any WireMessage.Type)
    /// Any other type: through its `Decodable` conformance.
    case conformance

    static func of(_ type: Any.Type) -> DecodingStrategy {
        if let primitive = type as? any BinaryPrimitive.Type { return .primitive(primitive) }
        if let direct = type as? any BinaryDirectDecodable.Type { return .direct(direct) }
        if let message = type as? any WireMessage.Type { return .message(message) }
        return .conformance
    }
}

/// A small direct-mapped cache from a type to its strategies, one per `encode`/`decode` call.
///
/// `T.self as? any P.Type` asks the runtime's conformance cache, which costs tens of nanoseconds a lookup; a message
/// has a handful of field types, so a few slots indexed by the metadata address answer nearly every lookup. A miss
/// asks the process-wide ``SharedCodingStrategies`` before computing.
struct CodingStrategyCache {
    fileprivate struct Entry: @unchecked Sendable {  // Metatypes and enums of them: immutable.
        let type: ObjectIdentifier
        let encoding: EncodingStrategy
        let decoding: DecodingStrategy
    }

    private static var slotCount: Int { 64 }
    private var entries: [Entry?] = []

    @inline(__always)
    private mutating func entry(for type: Any.Type) -> Entry {
        let identifier = ObjectIdentifier(type)
        // Fibonacci hashing of the metadata address; two adjacent slots per type make collisions rare.
        let hash = UInt64(UInt(bitPattern: identifier)) &* 0x9E37_79B9_7F4A_7C15
        let slot = Int(truncatingIfNeeded: hash >> 58) & (Self.slotCount - 2)
        if self.entries.isEmpty { self.entries = Array(repeating: nil, count: Self.slotCount) }
        if let entry = self.entries[slot], entry.type == identifier { return entry }
        if let entry = self.entries[slot + 1], entry.type == identifier { return entry }
        let entry = SharedCodingStrategies.entry(for: type)
        // The newest entry takes the first slot; the one it displaces moves to the second.
        self.entries[slot + 1] = self.entries[slot]
        self.entries[slot] = entry
        return entry
    }

    @inline(__always)
    mutating func encoding(for type: Any.Type) -> EncodingStrategy {
        self.entry(for: type).encoding
    }

    @inline(__always)
    mutating func decoding(for type: Any.Type) -> DecodingStrategy {
        self.entry(for: type).decoding
    }
}

/// The strategies of every type seen so far in the process, so that a new `encode`/`decode` call does not repeat
/// the runtime's conformance checks for the types of its message.
enum SharedCodingStrategies {
    // A `NIOLockedValueBox` (a pthread mutex), not `Synchronization.Mutex`: under ThreadSanitizer the latter's
    // lock did not order the accesses of concurrent coders on different threads, and TSan reported a race.
    private static let entries = NIOLockedValueBox<[ObjectIdentifier: CodingStrategyCache.Entry]>([:])

    fileprivate static func entry(for type: Any.Type) -> CodingStrategyCache.Entry {
        let identifier = ObjectIdentifier(type)
        if let entry = self.entries.withLockedValue({ $0[identifier] }) { return entry }
        let entry = CodingStrategyCache.Entry(type: identifier, encoding: .of(type), decoding: .of(type))
        self.entries.withLockedValue { $0[identifier] = entry }
        return entry
    }
}
