/// A message whose binary coding is generated from its declaration (by the `@WireMessage` macro) instead of running
/// through `Codable`'s keyed containers.
///
/// The coders prefer this conformance wherever a value of the type appears (top level, field, element); other
/// coders, JSON among them, keep using the type's `Codable` conformance. Both produce and accept the same bytes:
/// a field's number is its `CodingKeys` case's `intValue`, an Optional property that is nil is an absent field, and
/// an unknown field is skipped. What the generated code saves is the standard library's container boxes, a key
/// lookup per field, and per-field generic dispatch.
///
/// Write `@WireMessage` on a struct rather than conforming by hand: the generated code must match the type's
/// `Codable` conformance field for field, and the macro derives both from the same `CodingKeys`.
public protocol WireMessage: Codable {
    /// The type's coding keys, for coding paths in errors.
    static var wireKeys: any CodingKey.Type { get }

    /// Decodes the message from its fields.
    init(wireFields: inout WireFieldReader) throws

    /// Encodes the message's fields.
    func encode(wireFields: inout WireFieldWriter) throws
}

#if WireMessageMacro
/// Generates the struct's ``WireMessage`` conformance from its stored properties and its
/// `enum CodingKeys: Int, CodingKey`, whose raw values are the field numbers (see `Protocols/encoding.md`), each
/// written out; its ``WireDescribed`` description for the API catalogue; and a memberwise initializer with the
/// struct's access level (Optionals default to nil), unless the struct declares one with the same labels.
@attached(member, names: named(__readWireFields), named(wireDescription), named(init))
@attached(extension, conformances: WireMessage, WireDescribed, names: named(wireKeys), named(init(wireFields:)), named(encode(wireFields:)))
public macro WireMessage() = #externalMacro(module: "KeyplanWireMacros", type: "WireMessageMacro")
#endif
