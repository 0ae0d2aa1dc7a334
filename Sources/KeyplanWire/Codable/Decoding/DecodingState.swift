/// The state of one `BinaryDecoder.decode` call over borrowed bytes, shared by every decoder and container.
///
/// Containers are values that the `Decoder` protocol will not let mutate, so what they must remember between
/// calls lives here, indexed by nesting level: a keyed container's cursor (the field it expects next) and the end of
/// the element an element decoder consumed.
///
/// Its properties opt out of dynamic exclusivity checking: the state is confined to one `decode` call on one
/// thread, every access is short and none overlaps another.
final class DecodingState {
    @exclusivity(unchecked) private(set) var base: UnsafeRawPointer
    @exclusivity(unchecked) private(set) var count: Int
    @exclusivity(unchecked) private(set) var configuration: BinaryDecoder.Configuration
    @exclusivity(unchecked) private(set) var userInfo: [CodingUserInfoKey: Any]
    @exclusivity(unchecked) private var depth = 0
    @exclusivity(unchecked) private var path = CodingPathStack()
    /// Per-level state in chunks that never move, so that containers can hold a pointer to their level's slot.
    @exclusivity(unchecked) private var levelChunks: [UnsafeMutablePointer<LevelState>] = []
    /// The slot start whose presence byte a single-value `decodeNil()` consumed, so the value read skips it.
    @exclusivity(unchecked) var presenceConsumedAt = -1
    @exclusivity(unchecked) private var strategies = CodingStrategyCache()

    struct LevelState {
        /// The end of the element last decoded at this level.
        var elementEnd = -1
        /// The cursor of the keyed containers at this level.
        var keyedCursor = KeyedDecodingCursor()
    }

    /// The threads' spare states (see ``SpareCoderState``).
    static let spares = SpareCoderState<DecodingState>()

    init(bytes: UnsafeRawBufferPointer, configuration: BinaryDecoder.Configuration, userInfo: [CodingUserInfoKey: any Sendable]) {
        // An empty buffer may have no base address; any valid pointer serves, as nothing is read from it.
        self.base = bytes.baseAddress ?? UnsafeRawPointer(Self.emptyByte)
        self.count = bytes.count
        self.configuration = configuration
        self.userInfo = userInfo
    }

    /// The state after its call, let go of what belongs to the caller (`userInfo`'s values), to be kept as a spare.
    /// (The input's address stays, unread until ``reused(bytes:configuration:userInfo:)`` replaces it.)
    func retired() -> DecodingState {
        self.userInfo = [:]
        return self
    }

    /// This spare state, readied for a new call over `bytes`; the level slots and the strategies stay, which is what
    /// reusing the state is for.
    func reused(
        bytes: UnsafeRawBufferPointer, configuration: BinaryDecoder.Configuration, userInfo: [CodingUserInfoKey: any Sendable]
    ) -> DecodingState {
        self.base = bytes.baseAddress ?? UnsafeRawPointer(Self.emptyByte)
        self.count = bytes.count
        self.configuration = configuration
        self.userInfo = userInfo
        self.depth = 0
        self.presenceConsumedAt = -1
        // A cursor left by the previous call could name a message at the same offsets of the new input.
        for chunk in self.levelChunks { chunk.update(repeating: LevelState(), count: Self.levelChunkSize) }
        return self
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

    // MARK: Containers

    /// The keyed container of the message in `message` at `level`.
    func keyedContainer<Key: CodingKey>(keyedBy type: Key.Type, message: Range<Int>, level: Int) -> KeyedDecodingContainer<Key> {
        KeyedDecodingContainer(BinaryKeyedDecodingContainer<Key>(state: self, message: message, level: level, slot: self.levelSlot(level)))
    }

    // MARK: Coding path

    func codingPath(level: Int) -> [any CodingKey] {
        self.path.path(level: level)
    }

    func codingPath(level: Int, appending key: (any CodingKey)?) -> [any CodingKey] {
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
        key: PathKey?,
        strategy: DecodingStrategy? = nil
    ) throws -> T {
        let strategy = strategy ?? self.strategy(for: T.self)
        if case .primitive(let primitive) = strategy {
            return try Self.decodePrimitive(primitive, as: T.self, from: decoder)
        }
        try self.enterValue(level: decoder.level, key: key)
        defer { self.leaveValue() }
        switch strategy {
        case .direct(let direct): return try Self.decodeDirectly(direct, as: T.self, from: decoder)
        case .message(let message): return try self.decodeMessage(message, as: T.self, from: decoder)
        case .primitive, .conformance: return try T(from: decoder)
        }
    }

    /// Steps into a value that gets a decoder of its own (anything but a primitive), recording its coding-path
    /// component; throws past the depth limit. Each call is paired with ``leaveValue()``.
    @inline(__always)
    func enterValue(level: Int, key: PathKey?) throws {
        self.depth += 1
        if let key { self.path.set(key, level: level) }
        guard self.depth <= self.configuration.maximumDepth else {
            self.depth -= 1
            throw self.corrupted(.nestingTooDeep(limit: self.configuration.maximumDepth), level: level, key: nil)
        }
    }

    @inline(__always)
    func leaveValue() {
        self.depth -= 1
    }

    private static func decodePrimitive<P: BinaryPrimitive, T>(_ primitive: P.Type, as type: T.Type, from decoder: BinaryValueDecoder) throws -> T {
        // `P` is `T`, as the strategy lookup proved, so the cast cannot fail.
        try decoder.decodePrimitive(P.self) as! T
    }

    private static func decodeDirectly<D: BinaryDirectDecodable, T>(_ direct: D.Type, as type: T.Type, from decoder: BinaryValueDecoder) throws -> T {
        // `D` is `T`, as the strategy lookup proved, so the cast cannot fail.
        try D.decodeDirectly(from: decoder) as! T
    }

    private func decodeMessage<M: WireMessage, T>(_ message: M.Type, as type: T.Type, from decoder: BinaryValueDecoder) throws -> T {
        // `M` is `T`, as the strategy lookup proved, so the cast cannot fail.
        try self.readMessage(M.self, content: try decoder.lengthDelimitedContent(), level: decoder.level) as! T
    }

    /// Decodes a message with generated coding, at `level`, whose key `key` is recorded in the path: by its
    /// generated initializer, called directly (no strategy lookup, no cast).
    func decodeMessage<M: WireMessage>(_ type: M.Type, content: Range<Int>, level: Int, key: PathKey) throws -> M {
        try self.enterValue(level: level, key: key)
        defer { self.leaveValue() }
        return try self.readMessage(type, content: content, level: level)
    }

    private func readMessage<M: WireMessage>(_ type: M.Type, content: Range<Int>, level: Int) throws -> M {
        var fields = WireFieldReader(state: self, message: content, level: level, keys: M.wireKeys)
        return try M(wireFields: &fields)
    }

    // MARK: Errors
    //
    // Errors are built out of line and returned as `any Error`: `DecodingError` is a resilient type of the standard
    // library, and a function that holds one, even on a path it rarely takes, looks up its metadata on every call to
    // size its stack frame.

    @inline(never)
    func corrupted(_ error: WireError, level: Int, key: (any CodingKey)?) -> any Error {
        let path = self.codingPath(level: level, appending: key)
        return self.decodingError(error, path: path)
    }

    private func decodingError(_ error: WireError, path: [any CodingKey]) -> DecodingError {
        let context = DecodingError.Context(codingPath: path, debugDescription: error.description, underlyingError: error)
        if case .wireTypeMismatch = error {
            return DecodingError.typeMismatch(Any.self, context)
        }
        return DecodingError.dataCorrupted(context)
    }

    /// The error for a field that a message requires but does not hold.
    @inline(never)
    func keyNotFound(_ key: any CodingKey, level: Int) -> any Error {
        let field = key.intValue.map { " (field \($0))" } ?? ""
        return DecodingError.keyNotFound(
            key,
            DecodingError.Context(codingPath: self.codingPath(level: level), debugDescription: "no field for key '\(key.stringValue)'\(field)")
        )
    }

    /// The value of a field a message does not hold: nil when `T` is an Optional, else a `keyNotFound` error.
    @inline(never)
    func absentValue<T>(_ type: T.Type, key: any CodingKey, level: Int) throws -> T {
        if let optional = T.self as? any ExpressibleByNilLiteral.Type, let none = Self.nilValue(of: optional) as? T {
            return none
        }
        throw self.keyNotFound(key, level: level)
    }

    private static func nilValue<N: ExpressibleByNilLiteral>(of type: N.Type) -> N { nil }

    /// The error for a value of `type` whose wire type is not the one it needs.
    @inline(never)
    func wireTypeMismatch(_ type: Any.Type, expected: WireType, actual: WireType, level: Int, key: (any CodingKey)?) -> any Error {
        let path = self.codingPath(level: level, appending: key)
        return DecodingError.typeMismatch(
            type,
            DecodingError.Context(codingPath: path, debugDescription: WireError.wireTypeMismatch(expected: expected, actual: actual).description)
        )
    }
}
