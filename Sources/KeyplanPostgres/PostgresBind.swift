/// One statement parameter, already encoded: its type, format and bytes (`nil` for NULL).
public struct PostgresBind: Sendable, Hashable {
    public var type: PostgresDataType
    public var format: PostgresFormat
    public var bytes: [UInt8]?

    public init(type: PostgresDataType, format: PostgresFormat, bytes: [UInt8]?) {
        self.type = type
        self.format = format
        self.bytes = bytes
    }

    /// Encodes a value; `nil` becomes NULL typed as `Value`.
    public init<Value: PostgresEncodable>(_ value: Value?) {
        self.type = Value.postgresType
        self.format = Value.postgresFormat
        if let value {
            var bytes: [UInt8] = []
            value.encode(into: &bytes)
            self.bytes = bytes
        } else {
            self.bytes = nil
        }
    }
}
