/// A message's declaration as the API catalogue (`Protocols/api.json`) lists it. `@WireMessage` generates it from the
/// same `CodingKeys` and properties that its coding comes from, so the catalogue cannot drift from the bytes.
public protocol WireDescribed {
    static var wireDescription: WireMessageDescription { get }
}

/// A message: its doc comment and its fields in `CodingKeys` order.
public struct WireMessageDescription {
    public var documentation: String?
    public var fields: [WireFieldDescription]

    public init(documentation: String?, fields: [WireFieldDescription]) {
        self.documentation = documentation
        self.fields = fields
    }
}

/// One field as declared.
public struct WireFieldDescription {
    public var number: Int
    public var name: String
    /// The value's type; the wrapped type when the property is written as an Optional.
    public var type: any Any.Type
    /// Written as an Optional: absent on the wire when nil, and absent in older peers' messages.
    public var isOptional: Bool
    public var documentation: String?

    public init(number: Int, name: String, type: any Any.Type, isOptional: Bool, documentation: String?) {
        self.number = number
        self.name = name
        self.type = type
        self.isOptional = isOptional
        self.documentation = documentation
    }
}

/// A type that travels as one value with its own encoding rather than as a message (`CalendarDate` as a
/// `"YYYY-MM-DD"` string): the catalogue lists it by name with that rule.
public protocol WireDescribedScalar {
    /// The name the catalogue uses (`calendar_date`).
    static var wireScalarName: String { get }
    /// Its wire type (encoding.md §2): `varint`, `fixed64`, `length-delimited`, `fixed32`.
    static var wireScalarWireType: String { get }
    /// How the value travels, in a sentence a client author can implement.
    static var wireScalarEncoding: String { get }
}

/// A message whose bytes are written by a hand-made serializer rather than this format (the RPC runtime's health
/// check and reflection): the catalogue lists it with a pointer to its specification.
public protocol WireDescribedCustomMessage {
    /// Where its bytes are specified, or the rule itself.
    static var wireCustomEncoding: String { get }
}
