/// Where a value being encoded or decoded sits, which decides its framing.
///
/// - `top`: the whole input; a length-delimited value has no length prefix (the frame supplies it), an Optional
///   has a presence byte.
/// - `field`: the value of a keyed container's field; a tag precedes it, a nil Optional is an absent field.
/// - `element`: an element of an unkeyed container; no tag, length-delimited values carry their length, an
///   Optional has a presence byte.
enum CodingSlot: UInt8 {
    case top
    case field
    case element

    /// Whether a length-delimited value in this slot carries its own length prefix.
    var isPrefixed: Bool { self != .top }
}

/// An element index in a coding path, as Swift's own coders report it.
struct IndexCodingKey: CodingKey {
    let intValue: Int?
    var stringValue: String { "Index \(self.intValue ?? 0)" }

    init(_ index: Int) { self.intValue = index }
    init?(stringValue: String) { nil }
    init?(intValue: Int) { self.intValue = intValue }
}

/// The key of the value written through `superEncoder()` / read through `superDecoder()`.
struct SuperCodingKey: CodingKey {
    var stringValue: String { "super" }
    var intValue: Int? { nil }

    init() {}
    init?(stringValue: String) { guard stringValue == "super" else { return nil } }
    init?(intValue: Int) { nil }
}

/// How a keyed container's key is identified on the wire: by its field number, or by name when it declares no
/// `intValue`.
enum FieldIdentity {
    case number(Int)
    case name(String)

    /// The identity of `key`; field numbers outside `1...FieldTag.maxFieldNumber` are rejected by the caller.
    @inline(__always)
    init(_ key: borrowing some CodingKey) {  // borrowing: an initializer would otherwise copy the key
        if let number = key.intValue {
            self = .number(number)
        } else {
            self = .name(key.stringValue)
        }
    }
}
