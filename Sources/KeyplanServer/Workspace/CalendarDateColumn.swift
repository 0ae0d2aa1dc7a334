import KeyplanAPI
import KeyplanPostgres

/// A `date` column selected as `to_char(column, 'YYYY-MM-DD')`.
func decodeCalendarDate(_ row: PostgresRow, _ column: String) throws -> CalendarDate? {
    guard let text = try row.decode(String?.self, column: column) else { return nil }
    guard let date = CalendarDate(text) else {
        throw PostgresError(kind: .decoding, message: "column \"\(column)\" holds \(text), not a date", column: column)
    }
    return date
}
