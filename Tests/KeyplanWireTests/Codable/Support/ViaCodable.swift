import KeyplanWire

/// Codes a value through its `Codable` conformance even where it has generated coding: the top level goes through
/// the keyed container (what the type's nested values use is up to their own types).
struct ViaCodable<Value: Codable>: Codable {
    var value: Value

    init(_ value: Value) { self.value = value }
    init(from decoder: any Decoder) throws { self.value = try Value(from: decoder) }
    func encode(to encoder: any Encoder) throws { try self.value.encode(to: encoder) }
}
