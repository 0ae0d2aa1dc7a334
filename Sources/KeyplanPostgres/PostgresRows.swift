/// A column of a result.
public struct PostgresColumn: Sendable, Hashable {
    public var name: String
    public var type: PostgresDataType
}

/// The complete result of one statement, copied out of libpq's result so it can cross threads.
public struct PostgresRows: Sendable, RandomAccessCollection {
    public let columns: [PostgresColumn]
    /// Cells row by row; `nil` is NULL.
    let cells: [[[UInt8]?]]
    /// The number of rows the statement inserted, updated, deleted or returned (libpq's `PQcmdTuples`), if it says.
    public let affectedRows: Int?

    init(columns: [PostgresColumn], cells: [[[UInt8]?]], affectedRows: Int?) {
        self.columns = columns
        self.cells = cells
        self.affectedRows = affectedRows
    }

    public var startIndex: Int { cells.startIndex }
    public var endIndex: Int { cells.endIndex }
    public subscript(position: Int) -> PostgresRow { PostgresRow(columns: columns, cells: cells[position]) }

    /// Decodes one column of the only row, e.g. a `SELECT count(*)`. Throws when there is no row.
    public func single<Value: PostgresDecodable>(_ type: Value.Type, column: String) throws -> Value {
        guard let row = first else {
            throw PostgresError(kind: .decoding, message: "expected a row with column \"\(column)\", got none", column: column)
        }
        return try row.decode(type, column: column)
    }
}

/// One row of a result.
public struct PostgresRow: Sendable {
    public let columns: [PostgresColumn]
    let cells: [[UInt8]?]

    /// Decodes the named column; an error names the column and both types.
    public func decode<Value: PostgresDecodable>(_ type: Value.Type = Value.self, column name: String) throws -> Value {
        guard let index = columns.firstIndex(where: { $0.name == name }) else {
            throw PostgresError(kind: .decoding, message: "no column \"\(name)\" in the result", column: name)
        }
        return try decode(type, at: index)
    }

    /// Decodes the column at `index` (0-based).
    public func decode<Value: PostgresDecodable>(_ type: Value.Type = Value.self, at index: Int) throws -> Value {
        guard columns.indices.contains(index) else {
            throw PostgresError(kind: .decoding, message: "no column at index \(index) (the result has \(columns.count))")
        }
        let column = columns[index]
        do {
            guard let bytes = cells[index] else { return try Value.decodeNull() }
            var reader = PostgresByteReader(bytes)
            return try Value.decode(from: &reader, type: column.type)
        } catch let failure as PostgresDecodingFailure {
            throw PostgresError(kind: .decoding, message: "column \"\(column.name)\" \(failure.reason)", column: column.name)
        }
    }
}
