/// A statement and its parameters.
///
/// Written as a string literal, every interpolated value becomes a parameter (`$1`, `$2`, ...),
/// never SQL text, so values cannot inject SQL:
///
///     let rows = try await client.query("SELECT name FROM accounts WHERE id = \(accountID)")
///
/// `nil` values of an optional are sent as NULL.
public struct PostgresQuery: Sendable, Hashable, ExpressibleByStringInterpolation {
    /// The SQL text with `$n` placeholders.
    public var sql: String
    /// The parameters, in placeholder order.
    public var binds: [PostgresBind]

    /// A statement from SQL text that already contains its `$n` placeholders.
    /// The text must not be built from untrusted values.
    public init(unsafeSQL sql: String, binds: [PostgresBind] = []) {
        self.sql = sql
        self.binds = binds
    }

    public init(stringLiteral value: String) {
        self.init(unsafeSQL: value)
    }

    public init(stringInterpolation: StringInterpolation) {
        self.init(unsafeSQL: stringInterpolation.sql, binds: stringInterpolation.binds)
    }

    public struct StringInterpolation: StringInterpolationProtocol, Sendable {
        var sql = ""
        var binds: [PostgresBind] = []

        public init(literalCapacity: Int, interpolationCount: Int) {
            sql.reserveCapacity(literalCapacity + interpolationCount * 3)
            binds.reserveCapacity(interpolationCount)
        }

        public mutating func appendLiteral(_ literal: String) {
            sql += literal
        }

        /// Binds the value as the next parameter.
        public mutating func appendInterpolation<Value: PostgresEncodable>(_ value: Value) {
            append(PostgresBind(value))
        }

        /// Binds the value as the next parameter; `nil` is NULL.
        public mutating func appendInterpolation<Value: PostgresEncodable>(_ value: Value?) {
            append(PostgresBind(value))
        }

        private mutating func append(_ bind: PostgresBind) {
            binds.append(bind)
            sql += "$\(binds.count)"
        }
    }
}
