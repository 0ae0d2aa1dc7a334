/// The coding path of the value being encoded or decoded, kept cheaply.
///
/// `keys[i]` is the key of the value at level `i + 1`. Only values that get an encoder or decoder of their own
/// record their key (primitives are read and written in place and add theirs only to an error), and entries deeper
/// than the current level may be stale: `path(level:)` never reads them, so nothing is ever removed.
struct CodingPathStack {
    private var keys: [any CodingKey] = []

    init() {
        self.keys.reserveCapacity(16)
    }

    /// The path of the value at `level`.
    func path(level: Int) -> [any CodingKey] {
        Array(self.keys.prefix(level))
    }

    /// The path of the value at `level`, then `key`.
    func path(level: Int, appending key: any CodingKey) -> [any CodingKey] {
        self.path(level: level) + [key]
    }

    /// The deepest path recorded.
    var deepest: [any CodingKey] { self.keys }

    /// Records the key of the value at `level`.
    @inline(__always)
    mutating func set(_ key: any CodingKey, level: Int) {
        let index = level - 1
        if index < self.keys.count {
            self.keys[index] = key
        } else {
            while self.keys.count < index { self.keys.append(IndexCodingKey(self.keys.count)) }
            self.keys.append(key)
        }
    }
}
