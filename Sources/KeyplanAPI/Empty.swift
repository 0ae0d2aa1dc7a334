public import KeyplanWire

/// A message with no fields: the request of a method that needs no input, or a response that
/// carries nothing but success.
public struct Empty: Codable, Hashable, Sendable {
    public init() {}

    private enum CodingKeys: Int, CodingKey { case unused = 1 }

    public init(from decoder: any Decoder) throws {
        _ = try decoder.container(keyedBy: CodingKeys.self)
    }

    public func encode(to encoder: any Encoder) throws {
        _ = encoder.container(keyedBy: CodingKeys.self)
    }
}

extension Empty: WireDescribed {
    public static var wireDescription: WireMessageDescription {
        WireMessageDescription(
            documentation: "A message with no fields: the request of a method that needs no input, or a response that carries nothing but success.",
            fields: [])
    }
}
