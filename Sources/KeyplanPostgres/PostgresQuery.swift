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

        /// Embeds another query (a condition, an ORDER BY) with its parameters, renumbering its
        /// placeholders to follow this one's. The fragment must come from a literal or an
        /// interpolation, so that each `$n` in its text is one of its placeholders.
        public mutating func appendInterpolation(_ fragment: PostgresQuery) {
            let offset = binds.count
            binds.append(contentsOf: fragment.binds)
            guard offset > 0, !fragment.binds.isEmpty else {
                sql += fragment.sql
                return
            }
            // Byte by byte (statements are built on every call): `$` and digits are ASCII, so a
            // placeholder never splits a character, and everything between them is copied as is.
            var renumbered: [UInt8] = []
            renumbered.reserveCapacity(fragment.sql.utf8.count + 8)
            var bytes = fragment.sql.utf8[...]
            while let dollar = bytes.firstIndex(of: UInt8(ascii: "$")) {
                renumbered += bytes[..<dollar]
                renumbered.append(UInt8(ascii: "$"))
                bytes = bytes[bytes.index(after: dollar)...]
                let digits = bytes.prefix { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }
                if !digits.isEmpty, let number = Int(String(decoding: digits, as: UTF8.self)) {
                    renumbered += String(number + offset).utf8
                    bytes = bytes.dropFirst(digits.count)
                }
            }
            renumbered += bytes
            sql += String(decoding: renumbered, as: UTF8.self)
        }

        private mutating func append(_ bind: PostgresBind) {
            binds.append(bind)
            sql += "$\(binds.count)"
        }
    }
}
