/// One name/value pair of call metadata, as it travels in `OPEN`, `HEADERS` and `END` frames.
///
/// Names are compared as sent; the RPC layer lowercases them. A value is either text (UTF-8) or
/// opaque bytes, and the kind is part of the wire format, so binary values never need escaping.
public struct MetadataField: Hashable, Sendable {
    /// A metadata value: text or bytes.
    public enum Value: Hashable, Sendable {
        case text(String)
        case binary([UInt8])
    }

    public var name: String
    public var value: Value

    public init(name: String, value: Value) {
        self.name = name
        self.value = value
    }
}
