/// Reuses the standard library's keyed-container boxes across the messages of one `encode`/`decode` call.
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
/// state, which deallocates them.
struct KeyedContainerPool<Cell> {
    /// A pooled box's key type and cell; trivial, so that looking up a key type touches no reference counts.
    private struct Entry {
        let keyType: ObjectIdentifier
        let cell: UnsafeMutablePointer<Cell>
    }

    private var entries: [Entry] = []
    /// The boxes of `entries`, index for index.
    private var boxes: [AnyObject] = []
    /// Cells in chunks that never move; the last chunk has `cellsInLastChunk` in use.
    private var cellChunks: [UnsafeMutablePointer<Cell>] = []
    private var cellsInLastChunk = Self.cellChunkSize

    private static var cellChunkSize: Int { 16 }

    /// Frees the cells. Containers handed out must not be used afterwards (the `Codable` contract).
    func deallocate() {
        for (index, chunk) in self.cellChunks.enumerated() {
            chunk.deinitialize(count: index == self.cellChunks.count - 1 ? self.cellsInLastChunk : Self.cellChunkSize)
            chunk.deallocate()
        }
    }

    /// A new cell holding `value`, which stays valid until ``deallocate()``.
    mutating func makeCell(_ value: Cell) -> UnsafeMutablePointer<Cell> {
        if self.cellsInLastChunk == Self.cellChunkSize {
            if self.cellChunks.isEmpty {
                self.entries.reserveCapacity(Self.cellChunkSize)
                self.boxes.reserveCapacity(Self.cellChunkSize)
            }
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
        let keyType = ObjectIdentifier(keyType)
        for index in self.entries.indices where self.entries[index].keyType == keyType {
            if isKnownUniquelyReferenced(&self.boxes[index]) {
                self.entries[index].cell.pointee = value
                return self.boxes[index]
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
        self.entries.append(Entry(keyType: ObjectIdentifier(keyType), cell: cell))
        self.boxes.append(unsafeBitCast(container, to: AnyObject.self))
    }
}
