import Foundation
import KeyplanAPI
import KeyplanRPC

/// Where each ``ImportField`` of a kind is in a file: the mapping's column when it names one,
/// else the Salesforce names present in the header. Built from the first chunk; a file missing
/// a required field, or a mapping naming an unknown field or a column the file lacks, is refused
/// before any row is read.
struct ImportColumns: Sendable {
    let kind: ImportKind
    let header: [String]
    /// Candidate columns per field (`region` may have a country and a state), by index.
    let columns: [ImportField: [Int]]

    init(kind: ImportKind, header: [String], mapping: [String: String]?) throws {
        let (required, optional) = ImportField.fields(of: kind)
        let index = Dictionary(header.enumerated().map { ($0.element, $0.offset) }, uniquingKeysWith: { first, _ in first })
        var columns: [ImportField: [Int]] = [:]
        for (name, column) in mapping ?? [:] {
            guard let field = ImportField(rawValue: name), (required + optional).contains(field) else {
                throw RPCError(code: .invalidArgument, message: "the mapping names \"\(name)\", which is not a field of \(kind.rawValue)")
            }
            guard let position = index[column] else {
                throw RPCError(code: .invalidArgument, message: "the mapping's column \"\(column)\" for \(name) is not in the file's header")
            }
            columns[field] = [position]
        }
        for field in required + optional where columns[field] == nil {
            let found = field.salesforceColumns(for: kind).compactMap { index[$0] }
            if !found.isEmpty { columns[field] = found }
        }
        let missing = required.filter { columns[$0] == nil }
        guard missing.isEmpty else {
            let expected = missing.map { "\($0.rawValue) (\($0.salesforceColumns(for: kind).joined(separator: " or ")))" }
            throw RPCError(code: .invalidArgument, message: "the file has no column for \(expected.joined(separator: ", "))")
        }
        self.kind = kind
        self.header = header
        self.columns = columns
    }

    /// The first non-empty value of the field in the row, trimmed, with its column's name.
    func value(_ field: ImportField, in fields: [String]) -> (text: String, column: String)? {
        for position in columns[field] ?? [] where position < fields.count {
            let text = Self.trimmed(fields[position])
            if !text.isEmpty { return (text, header[position]) }
        }
        return nil
    }

    /// Without leading and trailing white space and newlines. Most cells have none: they are
    /// returned as they are, without Foundation's character-set walk (a measurable share of an import).
    static func trimmed(_ text: String) -> String {
        guard let first = text.unicodeScalars.first, let last = text.unicodeScalars.last else { return text }
        guard first.properties.isWhitespace || last.properties.isWhitespace else { return text }
        return text.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// The name of the column a field is read from (its first candidate), for the report.
    func columnName(_ field: ImportField) -> String? {
        columns[field]?.first.map { header[$0] }
    }
}
