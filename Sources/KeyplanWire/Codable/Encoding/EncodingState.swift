#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The mutable state of one `BinaryEncoder.encode` call, shared by every encoder and container it hands out.
///
/// Bytes are written front to back into one buffer. A length-delimited container (message or sequence) is an open
/// frame whose length is patched when it closes: when its parent writes again, or when the value that opened it
/// returns. A container used after it closed is an error rather than a silent corruption.
///
/// Its properties opt out of dynamic exclusivity checking: the state is confined to one `encode` call on one
/// thread, every access is short and none overlaps another, and the checks cost a quarter of encoding time.
final class EncodingState {
    @exclusivity(unchecked) var writer: WireWriter
    @exclusivity(unchecked) private(set) var frames: [OpenFrame] = []
    @exclusivity(unchecked) private var nextFrameID: UInt32 = 0
    @exclusivity(unchecked) private var path = CodingPathStack()
    @exclusivity(unchecked) private var depth = 0
    /// The slot start of the last field that encoded nil, to tell an absent nil from a value that wrote nothing.
    @exclusivity(unchecked) var nilFieldStart = -1
    /// An error found where the `Encoder` protocol cannot throw (opening a container); thrown at the next chance.
    /// (An `EncodingError`, held as `any Error`: a stored property of the standard library's resilient type would
    /// make every later property's offset, and every function that reads it, look up metadata at run time.)
    @exclusivity(unchecked) private var deferredError: (any Error)?
    @exclusivity(unchecked) private var strategies = CodingStrategyCache()
    /// Per frame depth, the bytes the last length at that depth took: what the next frame there reserves, so that
    /// elements of a sequence of messages longer than 127 bytes are not each moved to make room for their length.
    @exclusivity(unchecked) private var lengthSizeHints = [UInt8](repeating: 1, count: EncodingState.hintedDepths)
    private static var hintedDepths: Int { 32 }
    @exclusivity(unchecked) private(set) var configuration: BinaryEncoder.Configuration
    @exclusivity(unchecked) private(set) var userInfo: [CodingUserInfoKey: Any]

    /// The threads' spare states (see ``SpareCoderState``).
    static let spares = SpareCoderState<EncodingState>()

    /// The most buffer memory a spare state keeps between calls: enough for any common message, not a rare huge one.
    private static var maximumKeptCapacity: Int { 256 * 1024 }

    init(capacity: Int, configuration: BinaryEncoder.Configuration, userInfo: [CodingUserInfoKey: any Sendable]) {
        self.writer = WireWriter(capacity: capacity)
        self.configuration = configuration
        self.userInfo = userInfo
        self.frames.reserveCapacity(16)
    }

    /// The state after its call, let go of what belongs to the caller (`userInfo`'s values), to be kept as a spare.
    func retired() -> EncodingState {
        self.userInfo = [:]
        return self
    }

    /// This spare state, readied for a new call: an empty buffer and no frames; the buffer's memory and the strategies
    /// stay, which is what reusing the state is for.
    func reused(configuration: BinaryEncoder.Configuration, userInfo: [CodingUserInfoKey: any Sendable]) -> EncodingState {
        self.writer.reset(maximumKeptCapacity: Self.maximumKeptCapacity)
        self.frames.removeAll(keepingCapacity: true)
        self.depth = 0
        self.nilFieldStart = -1
        self.deferredError = nil
        self.configuration = configuration
        self.userInfo = userInfo
        return self
    }

    deinit {
        self.writer.deallocate()
    }

    struct OpenFrame {
        /// Where the value's slot began, to recognise a second container request for the same value.
        let slotStart: Int
        /// The length placeholder, or nil for a top-level value.
        let lengthOffset: Int?
        /// The bytes reserved at `lengthOffset`.
        let lengthReserved: Int
        /// The one-byte element-count placeholder of a sequence whose count is known only at the end.
        let countOffset: Int?
        var elementCount: Int
        let id: UInt32
    }

    /// A handle on an open frame, held by a container.
    struct FrameHandle {
        let index: Int
        let id: UInt32
    }

    // MARK: Containers

    /// The keyed container of the message in `frame` at `level`.
    func keyedContainer<Key: CodingKey>(keyedBy type: Key.Type, frame: FrameHandle, level: Int) -> KeyedEncodingContainer<Key> {
        KeyedEncodingContainer(BinaryKeyedEncodingContainer<Key>(state: self, frame: frame, level: level))
    }

    // MARK: Coding path

    func codingPath(level: Int) -> [any CodingKey] {
        self.path.path(level: level)
    }

    func codingPath(level: Int, appending key: (any CodingKey)?) -> [any CodingKey] {
        self.path.path(level: level, appending: key)
    }

    // MARK: Frames

    /// Opens a container frame for the value in `slot`, writing its tag's wire type and length placeholder.
    func openFrame(slot: CodingSlot, tagOffset: Int, slotStart: Int, counted: Bool) -> FrameHandle {
        if self.writer.count != slotStart {
            // A second `container(...)` request for the same value continues the container it already opened.
            if let index = self.frames.indices.last, self.frames[index].slotStart == slotStart {
                return FrameHandle(index: index, id: self.frames[index].id)
            }
            self.deferError(self.containerRequestedLate(slotStart: slotStart))
        }
        if slot == .field { self.writer.patchWireType(.lengthDelimited, tagAt: tagOffset) }
        let depth = self.frames.count
        let lengthReserved = depth < Self.hintedDepths ? Int(self.lengthSizeHints[depth]) : 1
        let lengthOffset = slot.isPrefixed ? self.writer.beginLengthDelimited(reserving: lengthReserved) : nil
        let countOffset = counted ? self.writer.beginLengthDelimited() : nil
        return self.pushFrame(slotStart: slotStart, lengthOffset: lengthOffset, lengthReserved: lengthReserved, countOffset: countOffset)
    }

    /// Opens a sequence frame whose element count is already known, writing the count at once.
    func openSequence(slot: CodingSlot, tagOffset: Int, slotStart: Int, count: Int) -> FrameHandle {
        let frame = self.openFrame(slot: slot, tagOffset: tagOffset, slotStart: slotStart, counted: false)
        self.writer.appendVarint(UInt64(count))
        return frame
    }

    private func pushFrame(slotStart: Int, lengthOffset: Int?, lengthReserved: Int, countOffset: Int?) -> FrameHandle {
        self.nextFrameID &+= 1
        self.frames.append(
            OpenFrame(
                slotStart: slotStart, lengthOffset: lengthOffset, lengthReserved: lengthReserved, countOffset: countOffset, elementCount: 0,
                id: self.nextFrameID)
        )
        return FrameHandle(index: self.frames.count - 1, id: self.nextFrameID)
    }

    /// Closes frames above `count`, patching their counts and lengths.
    func closeFrames(downTo count: Int) {
        while self.frames.count > count {
            let frame = self.frames.removeLast()
            // The count sits inside the length's span, so it is patched first.
            if let countOffset = frame.countOffset { self.writer.patchVarint(UInt64(frame.elementCount), at: countOffset) }
            if let lengthOffset = frame.lengthOffset {
                let size = self.writer.endLengthDelimited(at: lengthOffset, reserved: frame.lengthReserved)
                let depth = self.frames.count
                if depth < Self.hintedDepths { self.lengthSizeHints[depth] = UInt8(truncatingIfNeeded: size) }
            }
        }
    }

    /// Makes `frame` the innermost open frame before a container writes to it, closing nested containers it opened.
    @inline(__always)
    func prepareWrite(to frame: FrameHandle, level: Int) throws {
        if self.frames.count != frame.index + 1 {
            if self.frames.count > frame.index + 1 { self.closeFrames(downTo: frame.index + 1) }
        }
        guard frame.index < self.frames.count, self.frames[frame.index].id == frame.id else {
            throw self.containerUsedLate(frame, level: level)
        }
    }

    func countElement(in frame: FrameHandle) {
        self.frames[frame.index].elementCount += 1
    }

    // MARK: Fields

    /// Writes a field tag (with `wireType`, patched later for generic values) and, for a named field, its name.
    func writeTag(for key: PathKey, wireType: WireType, level: Int) throws {
        guard let number = key.intValue else {
            self.writer.append(wireType.rawValue)  // field number 0: a named field
            self.writer.appendString(key.name ?? "", prefixed: true)
            return
        }
        guard number >= 1, number <= FieldTag.maxFieldNumber else { throw self.invalidFieldNumber(number, key: key, level: level) }
        self.writer.appendVarint(FieldTag.value(fieldNumber: number, wireType: wireType))
    }

    @inline(never)
    private func invalidFieldNumber(_ number: Int, key: PathKey, level: Int) -> any Error {
        EncodingError.invalidValue(
            number,
            EncodingError.Context(
                codingPath: self.codingPath(level: level, appending: key.key),
                debugDescription: "CodingKey '\(key.key.stringValue)' has intValue \(number); field numbers must be in 1...\(FieldTag.maxFieldNumber)"
            )
        )
    }

    // MARK: Values

    /// How values of `type` are encoded.
    @inline(__always)
    func strategy<T>(for type: T.Type) -> EncodingStrategy {
        self.strategies.encoding(for: type)
    }

    /// Encodes a value of any type into a slot: in place when it is a primitive, through its direct wire form when it
    /// has one, else through its `Encodable` conformance. `key` is the value's coding-path component (nil when it
    /// continues its parent's slot).
    func encodeValue<T: Encodable>(
        _ value: T,
        slot: CodingSlot,
        tagOffset: Int,
        level: Int,
        key: PathKey?,
        strategy: EncodingStrategy? = nil
    ) throws {
        let strategy = strategy ?? self.strategy(for: T.self)
        if case .primitive(let primitive) = strategy {
            if slot == .field { self.writer.patchWireType(primitive.wireType, tagAt: tagOffset) }
            do {
                try self.writePrimitive(value, as: primitive, prefixed: slot.isPrefixed)
            } catch {
                // The path of a primitive is its parent's plus its key (no component of its own was recorded).
                throw self.invalidValue(value, error, level: key == nil ? level : level - 1, key: key?.key)
            }
            return
        }
        try self.encodeWithEncoder(value, slot: slot, tagOffset: tagOffset, level: level, key: key) { encoder in
            switch strategy {
            case .direct(let direct): try Self.encodeDirectly(value, as: direct, to: encoder)
            case .message(let message): try self.encodeMessage(value, as: message, to: encoder)
            case .primitive, .conformance: try value.encode(to: encoder)
            }
        }
    }

    /// Runs `body`, which encodes `value` (anything but a primitive) through the encoder it is given, within the
    /// depth limit, with `key` recorded in the coding path; afterwards closes the frames `value` opened and throws an
    /// error deferred meanwhile.
    @inline(__always)
    private func encodeWithEncoder<T>(
        _ value: T,
        slot: CodingSlot,
        tagOffset: Int,
        level: Int,
        key: PathKey?,
        _ body: (BinaryValueEncoder) throws -> Void
    ) throws {
        self.depth += 1
        defer { self.depth -= 1 }
        guard self.depth <= self.configuration.maximumDepth else { throw self.nestingTooDeep(value, level: level) }
        if let key { self.path.set(key, level: level) }
        let frameCount = self.frames.count
        try body(BinaryValueEncoder(state: self, slot: slot, tagOffset: tagOffset, slotStart: self.writer.count, level: level))
        self.closeFrames(downTo: frameCount)
        if let error = self.deferredError {
            self.deferredError = nil
            throw error
        }
    }

    /// Writes `value`, a primitive of the given type, at the end of the buffer.
    @inline(__always)
    func writePrimitive<T>(_ value: T, as type: any BinaryPrimitive.Type, prefixed: Bool) throws(WireError) {
        func write<P: BinaryPrimitive>(_ type: P.Type) throws(WireError) {
            // `T` is `P`, as the strategy lookup proved, so the cast cannot fail.
            try (value as! P).write(to: &self.writer, prefixed: prefixed)
        }
        try write(type)
    }

    /// Encodes a field: its tag, then its value. A nil value leaves the field out; a value that wrote nothing at all
    /// (a type without properties) becomes an empty message so that the field is present.
    func encodeField<T: Encodable>(_ value: T, key: PathKey, level: Int) throws {
        // The commonest field types the standard library has no overload for, written by specialized code: comparing
        // metatypes is cheaper than the strategy lookup and the generic write through an opened existential.
        if T.self == UUID.self { return try self.encodePrimitiveField(value as! UUID, key: key, level: level) }
        if T.self == Date.self { return try self.encodePrimitiveField(value as! Date, key: key, level: level) }
        if T.self == Money.self { return try self.encodePrimitiveField(value as! Money, key: key, level: level) }
        let strategy = self.strategy(for: T.self)
        if case .primitive(let primitive) = strategy {
            return try self.encodePrimitiveField(value, as: primitive, key: key, level: level)
        }
        let tagOffset = self.writer.count
        // The wire type is patched once the value shows what it is.
        try self.writeTag(for: key, wireType: .varint, level: level)
        let valueStart = self.writer.count
        try self.encodeValue(value, slot: .field, tagOffset: tagOffset, level: level + 1, key: key, strategy: strategy)
        if self.writer.count == valueStart {
            if self.nilFieldStart == valueStart {
                self.writer.truncate(to: tagOffset)
            } else {
                self.writer.patchWireType(.lengthDelimited, tagAt: tagOffset)
                self.writer.append(0)
            }
        }
    }

    /// Encodes a field holding `message`, by its generated code (as ``encodeField(_:key:level:)`` would, without
    /// looking up its strategy or casting it).
    func encodeMessageField<M: WireMessage>(_ message: M, key: PathKey, level: Int) throws {
        let tagOffset = self.writer.count
        try self.writeTag(for: key, wireType: .lengthDelimited, level: level)
        try self.encodeWithEncoder(message, slot: .field, tagOffset: tagOffset, level: level + 1, key: key) { encoder in
            try self.writeMessage(message, to: encoder)
        }
    }

    /// Encodes a field holding a sequence of `messages`, each by its generated code (as ``encodeField(_:key:level:)``
    /// would, without looking up strategies or casting).
    func encodeMessagesField<M: WireMessage>(_ messages: [M], key: PathKey, level: Int) throws {
        let tagOffset = self.writer.count
        try self.writeTag(for: key, wireType: .lengthDelimited, level: level)
        try self.encodeWithEncoder(messages, slot: .field, tagOffset: tagOffset, level: level + 1, key: key) { encoder in
            _ = self.openSequence(slot: .field, tagOffset: tagOffset, slotStart: encoder.slotStart, count: messages.count)
            try self.encodeMessageElements(messages, level: level + 2)
        }
    }

    /// Encodes a field of a primitive type: its tag, then its value.
    @inline(__always)
    func encodePrimitiveField<P: BinaryPrimitive>(_ value: P, key: PathKey, level: Int) throws {
        try self.writeTag(for: key, wireType: P.wireType, level: level)
        do throws(WireError) {
            try value.write(to: &self.writer, prefixed: true)
        } catch {
            throw self.invalidValue(value, error, level: level, key: key.key)
        }
    }

    private func encodePrimitiveField<T, P: BinaryPrimitive>(_ value: T, as type: P.Type, key: PathKey, level: Int) throws {
        // `T` is `P`, as the strategy lookup proved, so the cast cannot fail.
        try self.encodePrimitiveField(value as! P, key: key, level: level)
    }

    /// Encodes a sequence element. A value that wrote nothing becomes an empty message, so every element takes at
    /// least one byte and a decoder can bound counts by the bytes left.
    func encodeElement<T: Encodable>(
        _ value: T,
        index: Int,
        level: Int,
        strategy: EncodingStrategy? = nil
    ) throws {
        let start = self.writer.count
        try self.encodeValue(value, slot: .element, tagOffset: 0, level: level, key: PathKey(index: index), strategy: strategy)
        if self.writer.count == start { self.writer.append(0) }
    }

    /// Encodes `messages` as sequence elements (as ``encodeElement(_:index:level:strategy:)`` does), each by its
    /// generated code, called directly: the array's element type is opened once, not per element.
    func encodeMessageElements<M: WireMessage>(_ messages: [M], level: Int) throws {
        // Each element is copied out of the array (retaining what it refers to), as generic code does with any
        // element it is handed; once, where the per-element path through `encodeElement` costs a cast and a copy.
        // (Indices, not `enumerated()`, whose unspecialized iterator looks up a tuple's metadata per element.)
        for index in messages.indices {
            let message = messages[index]
            let start = self.writer.count
            try self.encodeWithEncoder(message, slot: .element, tagOffset: 0, level: level, key: PathKey(index: index)) { encoder in
                try self.writeMessage(message, to: encoder)
            }
            if self.writer.count == start { self.writer.append(0) }
        }
    }

    private static func encodeDirectly<T, D: BinaryDirectEncodable>(_ value: T, as type: D.Type, to encoder: BinaryValueEncoder) throws {
        // `T` is `D`, as the strategy lookup proved, so the cast cannot fail (and, to the type it already has, boxes
        // nothing into an existential).
        try (value as! D).encodeDirectly(to: encoder)
    }

    private func encodeMessage<T, M: WireMessage>(_ value: T, as type: M.Type, to encoder: BinaryValueEncoder) throws {
        // `T` is `M`, as the strategy lookup proved, so the cast cannot fail. It copies the message (retaining the
        // strings it holds), as reading it through a pointer would too.
        try self.writeMessage(value as! M, to: encoder)
    }

    /// Encodes `message` in `encoder`'s slot by its generated code.
    private func writeMessage<M: WireMessage>(_ message: M, to encoder: BinaryValueEncoder) throws {
        // The message's frame closes with the value (`encodeWithEncoder`); its fields close their own.
        _ = self.openFrame(slot: encoder.slot, tagOffset: encoder.tagOffset, slotStart: encoder.slotStart, counted: false)
        var fields = WireFieldWriter(state: self, level: encoder.level, keys: M.wireKeys)
        try message.encode(wireFields: &fields)
    }

    // MARK: Errors
    //
    // Errors are built out of line and returned as `any Error`: `EncodingError` is a resilient type of the standard
    // library, and a function that holds one, even on a path it rarely takes, looks up its metadata on every call to
    // size its stack frame.

    /// Records an error raised where the `Encoder` protocol cannot throw; the enclosing value throws it.
    @inline(never)
    func deferError(_ error: any Error) {
        guard self.deferredError == nil else { return }
        self.deferredError =
            error is EncodingError
            ? error
            : EncodingError.invalidValue(error, EncodingError.Context(codingPath: self.path.deepest, debugDescription: "\(error)"))
    }

    @inline(never)
    private func containerRequestedLate(slotStart: Int) -> any Error {
        EncodingError.invalidValue(
            slotStart,
            EncodingError.Context(
                codingPath: self.path.deepest, debugDescription: "a value asked for a container after writing itself or after its container closed")
        )
    }

    @inline(never)
    private func containerUsedLate(_ frame: FrameHandle, level: Int) -> any Error {
        EncodingError.invalidValue(
            frame.id,
            EncodingError.Context(
                codingPath: self.codingPath(level: level), debugDescription: "a container was used after the value that owns it finished encoding")
        )
    }

    @inline(never)
    private func nestingTooDeep(_ value: Any, level: Int) -> any Error {
        EncodingError.invalidValue(
            value,
            EncodingError.Context(
                codingPath: self.codingPath(level: level), debugDescription: "nesting deeper than the limit of \(self.configuration.maximumDepth)")
        )
    }

    /// The error for a value whose wire form cannot hold it (for example a date beyond Int64 microseconds).
    @inline(never)
    func invalidValue(_ value: Any, _ error: WireError, level: Int, key: (any CodingKey)?) -> any Error {
        let path = self.codingPath(level: level, appending: key)
        // A Date that cannot be encoded (NaN, infinite) traps in its own `description`, so whoever prints this
        // error would crash: the error carries the Date's seconds since 2001 instead.
        let shown = (value as? Date).map { $0.timeIntervalSinceReferenceDate as Any } ?? value
        return EncodingError.invalidValue(shown, EncodingError.Context(codingPath: path, debugDescription: error.description))
    }
}
