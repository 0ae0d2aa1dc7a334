/// The coding path of the value being encoded or decoded, kept cheaply.
///
/// `keys[i]` is the key of the value at level `i + 1`. Only values that get an encoder or decoder of their own
/// record their key (primitives are read and written in place and add theirs only to an error), and entries deeper
/// than the current level may be stale: `path(level:)` never reads them, so nothing is ever removed.
struct CodingPathStack {
    private var keys: [PathKey] = []

    init() {
        self.keys.reserveCapacity(16)
    }

    /// The path of the value at `level`.
    func path(level: Int) -> [any CodingKey] {
        self.keys.prefix(level).map(\.key)
    }

    /// The path of the value at `level`, then `key` if there is one.
    func path(level: Int, appending key: (any CodingKey)?) -> [any CodingKey] {
        guard let key else { return self.path(level: level) }
        return self.path(level: level) + [key]
    }

    /// The deepest path recorded.
    var deepest: [any CodingKey] { self.keys.map(\.key) }

    /// Records the key of the value at `level`.
    @inline(__always)
    mutating func set(_ key: PathKey, level: Int) {
        let index = level - 1
        if index < self.keys.count {
            self.keys[index] = key
        } else {
            while self.keys.count < index { self.keys.append(PathKey(index: self.keys.count)) }
            self.keys.append(key)
        }
    }
}

/// A coding-path component recorded without boxing the key into an existential: its type and its int value (or its
/// name, when it has no int value). The key itself is rebuilt only when a coding path is asked for, which is rare.
struct PathKey {
    private let keyType: any CodingKey.Type
    /// The key's field number, if it has one.
    let intValue: Int?
    /// The key's name, kept only when it has no number.
    let name: String?

    @inline(__always)
    init<Key: CodingKey>(_ key: borrowing Key) {  // borrowing: an initializer would otherwise copy the key
        self.keyType = Key.self
        if let intValue = key.intValue {
            self.intValue = intValue
            self.name = nil
        } else {
            self.intValue = nil
            self.name = key.stringValue
        }
    }

    /// The key numbered `number` of `keyType` (a field of a ``WireMessage``, whose generated code deals in numbers).
    @inline(__always)
    init(number: Int, of keyType: any CodingKey.Type) {
        self.keyType = keyType
        self.intValue = number
        self.name = nil
    }

    /// The key of the element at `index` of a sequence.
    @inline(__always)
    init(index: Int) {
        self.keyType = IndexCodingKey.self
        self.intValue = index
        self.name = nil
    }

    /// The key, rebuilt from its type (`CodingKey`s are identified by their int or string value).
    var key: any CodingKey {
        if let intValue, let key = self.keyType.init(intValue: intValue) { return key }
        if let name, let key = self.keyType.init(stringValue: name) { return key }
        return AnyFieldKey(stringValue: self.name ?? "\(self.intValue ?? 0)", intValue: self.intValue)
    }
}
