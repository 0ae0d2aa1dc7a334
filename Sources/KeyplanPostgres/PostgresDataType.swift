/// A PostgreSQL type, identified by its OID (`pg_type.oid`).
public struct PostgresDataType: Sendable, Hashable, CustomStringConvertible {
    public var oid: UInt32

    public init(oid: UInt32) { self.oid = oid }

    public static let bool = PostgresDataType(oid: 16)
    public static let bytea = PostgresDataType(oid: 17)
    public static let name = PostgresDataType(oid: 19)
    public static let int8 = PostgresDataType(oid: 20)
    public static let int2 = PostgresDataType(oid: 21)
    public static let int4 = PostgresDataType(oid: 23)
    public static let text = PostgresDataType(oid: 25)
    public static let float4 = PostgresDataType(oid: 700)
    public static let float8 = PostgresDataType(oid: 701)
    public static let unknown = PostgresDataType(oid: 705)
    public static let bpchar = PostgresDataType(oid: 1042)
    public static let varchar = PostgresDataType(oid: 1043)
    public static let timestamp = PostgresDataType(oid: 1114)
    public static let timestamptz = PostgresDataType(oid: 1184)
    public static let numeric = PostgresDataType(oid: 1700)
    public static let uuid = PostgresDataType(oid: 2950)
    public static let boolArray = PostgresDataType(oid: 1000)
    public static let int2Array = PostgresDataType(oid: 1005)
    public static let int4Array = PostgresDataType(oid: 1007)
    public static let int8Array = PostgresDataType(oid: 1016)
    public static let textArray = PostgresDataType(oid: 1009)
    public static let varcharArray = PostgresDataType(oid: 1015)
    public static let float8Array = PostgresDataType(oid: 1022)
    public static let uuidArray = PostgresDataType(oid: 2951)

    private static let names: [UInt32: String] = [
        16: "bool", 17: "bytea", 19: "name", 20: "int8", 21: "int2", 23: "int4", 25: "text",
        700: "float4", 701: "float8", 705: "unknown", 1042: "bpchar", 1043: "varchar",
        1114: "timestamp", 1184: "timestamptz", 1700: "numeric", 2950: "uuid",
        1000: "bool[]", 1005: "int2[]", 1007: "int4[]", 1016: "int8[]", 1009: "text[]",
        1015: "varchar[]", 1022: "float8[]", 2951: "uuid[]",
    ]

    public var description: String { Self.names[oid] ?? "oid \(oid)" }
}

/// How a value travels on the wire: PostgreSQL's binary or text representation.
public enum PostgresFormat: Int32, Sendable {
    case text = 0
    case binary = 1
}
