import Foundation
import KeyplanAPI

/// Rows of text as aligned columns for the terminal: each column as wide as its widest cell,
/// two spaces apart.
struct TextTable {
    var header: [String]
    var rows: [[String]]

    init(header: [String], rows: [[String]] = []) {
        self.header = header
        self.rows = rows
    }

    init(_ header: String...) {
        self.init(header: header)
    }

    mutating func add(_ cells: String...) {
        rows.append(cells)
    }

    var text: String {
        let all = [header] + rows
        let widths = header.indices.map { column in all.map { $0.indices.contains(column) ? $0[column].count : 0 }.max() ?? 0 }
        return all.map { row in
            row.prefix(widths.count).enumerated().map { $0.element.padding(toLength: widths[$0.offset], withPad: " ", startingAt: 0) }
                .joined(separator: "  ").trimmingCharacters(in: .whitespaces)
        }.joined(separator: "\n")
    }
}

/// A fraction as a percentage ("42%"), or "-" when there is none.
func percent(_ fraction: Double?) -> String {
    fraction.map { "\(Int(($0 * 100).rounded()))%" } ?? "-"
}

/// A number with at most two decimals ("61.11", "80"), or "-".
func score(_ value: Double?) -> String {
    value.map(SVGText.compact) ?? "-"
}
