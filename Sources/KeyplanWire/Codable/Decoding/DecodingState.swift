/// The state of one `BinaryDecoder.decode` call over borrowed bytes, shared by every decoder and container.
///
/// Containers are values that the `Decoder` protocol will not let mutate, so what they must remember between
/// calls lives here, indexed by nesting level: a keyed container's cursor (the field it expects next) and the end
/// of the element an element decoder consumed.
///
/// Its properties opt out of dynamic exclusivity checking: the state is confined to one `decode` call on one
/// thread, every access is short and none overlaps another.
final class DecodingState {
    let base: UnsafeRawPointer
    let count: Int
    let configuration: BinaryDecoder.Configuration
    let userInfo: [CodingUserInfoKey: Any]
    @exclusivity(unchecked) private var depth = 0
    @exclusivity(unchecked) private var path = CodingPathStack()
    /// Per-level state in chunks that never move, so that containers can hold a pointer to their level's slot.
    @exclusivity(unchecked) private var levelChunks: [UnsafeMutablePointer<LevelState>] = []
    /// The slot start whose presence byte a single-value `decodeNil()` consumed, so the value read skips it.
    @exclusivity(unchecked) var presenceConsumedAt = -1
    @exclusivity(unchecked) private var strategies = CodingStrategyCache()

    struct LevelState {
        /// The message the cursor belongs to; a cursor from another message at this level is ignored.
        var messageStart = -1
        var messageEnd = -1
        /// Where the keyed container expects its next field.
        var cursor = -1
        /// The end of the element last decoded at this level.
        var elementEnd = -1
    }

    init(bytes: UnsafeRawBufferPointer, configuration: BinaryDecoder.Configuration, userInfo: [CodingUserInfoKey: any Sendable]) {
        // An empty buffer may have no base address; any valid pointer serves, as nothing is read from it.
        self.base = bytes.baseAddress ?? UnsafeRawPointer(Self.emptyByte)
        self.count = bytes.count
        self.configuration = configuration
        self.userInfo = userInfo
    }

    deinit {
        for chunk in self.levelChunks { chunk.deallocate() }
    }

    nonisolated(unsafe) private static let emptyByte = UnsafeMutableRawPointer.allocate(byteCount: 1, alignment: 1)

    func reader(_ range: Range<Int>) -> WireReader {
        WireReader(base: self.base, position: range.lowerBound, end: range.upperBound)
    }

    // MARK: Levels

    private static var levelChunkSize: Int { 16 }

    /// The state slot of `level`; it stays at the same address for the whole decode.
    @inline(__always)
    func levelSlot(_ level: Int) -> UnsafeMutablePointer<LevelState> {
        let chunk = level / Self.levelChunkSize
        while chunk >= self.levelChunks.count {
            let storage = UnsafeMutablePointer<LevelState>.allocate(capacity: Self.levelChunkSize)
            storage.initialize(repeating: LevelState(), count: Self.levelChunkSize)
            self.levelChunks.append(storage)
        }
        return self.levelChunks[chunk] + level % Self.levelChunkSize
    }

    // MARK: Coding path

    func codingPath(level: Int) -> [any CodingKey] {
        self.path.path(level: level)
    }

    func codingPath(level: Int, appending key: any CodingKey) -> [any CodingKey] {
        self.path.path(level: level, appending: key)
    }

    // MARK: Values

    /// How values of `type` are decoded.
    @inline(__always)
    func strategy<T>(for type: T.Type) -> DecodingStrategy {
        self.strategies.decoding(for: type)
    }

    /// Decodes a value of any type from `decoder`'s slot: in place when it is a primitive, through its direct wire
    /// form when it has one, else its `Decodable` conformance. `key` is the value's coding-path component (nil when
    /// it continues its parent's slot).
    func decodeValue<T: Decodable>(
        _ type: T.Type,
        from decoder: BinaryValueDecoder,
        key: (any CodingKey)?,
        strategy: DecodingStrategy? = nil
    ) throws -> T {
        let strategy = strategy ?? self.strategy(for: T.self)
        if case .primitive(let primitive) = strategy {
            return try Self.decodePrimitive(primitive, as: T.self, from: decoder)
        }
        self.depth += 1
        defer { self.depth -= 1 }
        if let key { self.path.set(key, level: decoder.level) }
        guard self.depth <= self.configuration.maximumDepth else {
            throw self.corrupted(.nestingTooDeep(limit: self.configuration.maximumDepth), level: decoder.level, key: nil)
        }
        if case .direct(let direct) = strategy {
            return try Self.decodeDirectly(direct, as: T.self, from: decoder)
        }
        return try T(from: decoder)
    }

    private static func decodePrimitive<P: BinaryPrimitive, T>(_ primitive: P.Type, as type: T.Type, from decoder: BinaryValueDecoder) throws -> T {
        // `P` is `T`, as the strategy lookup proved.
        unsafeBitCast(try decoder.decodePrimitive(P.self), to: T.self)
    }

    private static func decodeDirectly<D: BinaryDirectDecodable, T>(_ direct: D.Type, as type: T.Type, from decoder: BinaryValueDecoder) throws -> T {
        // `D` is `T`, as the strategy lookup proved.
        unsafeBitCast(try D.decodeDirectly(from: decoder), to: T.self)
    }

    // MARK: Errors

    func corrupted(_ error: WireError, level: Int, key: (any CodingKey)?) -> DecodingError {
        let path = key.map { self.codingPath(level: level, appending: $0) } ?? self.codingPath(level: level)
        return self.decodingError(error, path: path)
    }

    func decodingError(_ error: WireError, path: [any CodingKey]) -> DecodingError {
        let context = DecodingError.Context(codingPath: path, debugDescription: error.description, underlyingError: error)
        if case .wireTypeMismatch = error {
            return DecodingError.typeMismatch(Any.self, context)
        }
        return DecodingError.dataCorrupted(context)
    }
}
