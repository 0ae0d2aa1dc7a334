/// Reuses the standard library's keyed-container boxes across the messages of `encode`/`decode` calls.
///
/// `KeyedEncodingContainer(_:)` and `KeyedDecodingContainer(_:)` allocate a box for every message, and in the
/// coders' unspecialized generic code each one first looks up the metadata of our container type, of the box type
/// and the container's conformance at run time: together a sixth of all coding time. A message's sibling of the same
/// type (the next element of an array) can take the box over once the previous message is done with it, which
/// `isKnownUniquelyReferenced` tells: the pool then holds the only reference.
///
/// A pooled container cannot change the value the box holds, so everything that differs between messages (where
/// the message is, its nesting level, the decoder's cursor) lives in a `Cell` the container points to, which the pool
/// rewrites before handing the box out again. Cells never move and live as long as the pool's owner, the coder's
/// state, which deallocates them. A state is kept per thread between calls (``SpareCoderState``), and its pool with
/// it: a message type's box then serves every later call too.
struct KeyedContainerPool<Cell> {
    /// A pooled box, the type of its keys and its cell.
    private struct Entry {
        let keyType: ObjectIdentifier
        let cell: UnsafeMutablePointer<Cell>
        var box: PooledBox
    }

    /// The pooled boxes, in raw memory so that `isKnownUniquelyReferenced` sees each box in place (an array element
    /// passed `inout` may be reached through a retained temporary, which would never be unique).
    private var entries: UnsafeMutablePointer<Entry>?
    private var entryCount = 0
    private var entryCapacity = 0
    /// Cells in chunks that never move; the last chunk has `cellsInLastChunk` in use.
    private var cellChunks: [UnsafeMutablePointer<Cell>] = []
    private var cellsInLastChunk = Self.cellChunkSize

    private static var cellChunkSize: Int { 16 }

    /// The most boxes a coder state keeps from one call to the next: a call looks boxes up by a linear scan, and a
    /// thread that codes many message types would otherwise collect one box for each.
    static var maximumKeptBetweenCalls: Int { 32 }

    /// Readies the pool for the next call of a reused coder state.
    mutating func prepareForNextCall() {
        if self.entryCount > Self.maximumKeptBetweenCalls { self.removeAll() }
    }

    /// Frees the cells. Containers handed out must not be used afterwards (the `Codable` contract).
    func deallocate() {
        if let entries = self.entries {
            entries.deinitialize(count: self.entryCount)
            entries.deallocate()
        }
        for (index, chunk) in self.cellChunks.enumerated() {
            chunk.deinitialize(count: index == self.cellChunks.count - 1 ? self.cellsInLastChunk : Self.cellChunkSize)
            chunk.deallocate()
        }
    }

    /// Empties the pool, between calls (no container handed out is in use any more).
    mutating func removeAll() {
        self.deallocate()
        self.entries = nil
        self.entryCount = 0
        self.entryCapacity = 0
        self.cellChunks = []
        self.cellsInLastChunk = Self.cellChunkSize
    }

    /// A new cell holding `value`, which stays valid until ``deallocate()``.
    mutating func makeCell(_ value: Cell) -> UnsafeMutablePointer<Cell> {
        if self.cellsInLastChunk == Self.cellChunkSize {
            self.cellChunks.append(UnsafeMutablePointer<Cell>.allocate(capacity: Self.cellChunkSize))
            self.cellsInLastChunk = 0
        }
        let cell = self.cellChunks[self.cellChunks.count - 1] + self.cellsInLastChunk
        cell.initialize(to: value)
        self.cellsInLastChunk += 1
        return cell
    }

    /// The box of a pooled container for keys of `keyType` that nobody else holds any more, its cell now holding
    /// `value`; nil when there is none. Non-generic, so that the lookup costs no runtime metadata.
    @inline(__always)
    mutating func reusableBox(keyType: Any.Type, cell value: Cell) -> AnyObject? {
        guard let entries = self.entries else { return nil }
        let keyType = ObjectIdentifier(keyType)
        for index in 0..<self.entryCount where entries[index].keyType == keyType {
            if isKnownUniquelyReferenced(&entries[index].box) {
                entries[index].cell.pointee = value
                return unsafeBitCast(entries[index].box, to: AnyObject.self)
            }
        }
        return nil
    }

    /// Pools `container`, a new container for keys of `keyType` whose cell is `cell`, for later messages.
    ///
    /// `Container` is `KeyedEncodingContainer<Key>` or `KeyedDecodingContainer<Key>`, whose only stored property is
    /// the reference to its box; a container of another size is not pooled.
    mutating func keep<Container>(_ container: Container, keyType: Any.Type, cell: UnsafeMutablePointer<Cell>) {
        guard MemoryLayout<Container>.size == MemoryLayout<AnyObject>.size else { return }
        let entries: UnsafeMutablePointer<Entry>
        if let current = self.entries, self.entryCount < self.entryCapacity {
            entries = current
        } else {
            let capacity = max(2 * self.entryCapacity, 16)
            entries = UnsafeMutablePointer<Entry>.allocate(capacity: capacity)
            if let old = self.entries {
                entries.moveInitialize(from: old, count: self.entryCount)
                old.deallocate()
            }
            self.entries = entries
            self.entryCapacity = capacity
        }
        let object = unsafeBitCast(container, to: AnyObject.self)
        let box = Unmanaged<PooledBox>.fromOpaque(Unmanaged.passUnretained(object).toOpaque()).takeUnretainedValue()
        (entries + self.entryCount).initialize(to: Entry(keyType: ObjectIdentifier(keyType), cell: cell, box: box))
        self.entryCount += 1
    }
}

/// The static type under which the pool holds the standard library's container boxes (whose class is not public).
///
/// Never instantiated: it only gives `isKnownUniquelyReferenced` a concrete class. An `AnyObject` would not do, as
/// Swift 6 opens an existential passed `inout` to a generic function into a retained temporary (SE-0352), which is
/// never unique. Retain, release and the uniqueness check act on the object's header alone, whatever its class.
final class PooledBox {
    private init() {}
}
