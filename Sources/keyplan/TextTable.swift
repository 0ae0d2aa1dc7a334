/// Rows of text as aligned columns for the terminal: each column as wide as its widest cell,
/// numbers right-aligned.
struct TextTable {
    var header: [String]
    var rows: [[String]] = []

    init(_ header: String...) {
        self.header = header
    }

    mutating func add(_ cells: String...) {
        rows.append(cells)
    }

    var text: String {
        let all = [header] + rows
        let widths = header.indices.map { column in all.map { column < $0.count ? $0[column].count : 0 }.max() ?? 0 }
        return all.map { row in
            header.indices.map { column in
                let cell = column < row.count ? row[column] : ""
                let padding = String(repeating: " ", count: widths[column] - cell.count)
                let numeric = !cell.isEmpty && cell.allSatisfy { $0.isNumber || ".-%+×".contains($0) }
                return numeric ? padding + cell : cell + padding
            }.joined(separator: "  ").trimmingTrailingSpaces()
        }.joined(separator: "\n")
    }
}

extension String {
    fileprivate func trimmingTrailingSpaces() -> String {
        var text = self
        while text.last == " " { text.removeLast() }
        return text
    }
}

/// A fraction as a percentage ("42%"), or "-" when there is none.
func percent(_ fraction: Double?) -> String {
    fraction.map { "\(Int(($0 * 100).rounded()))%" } ?? "-"
}

/// A number with at most two decimals ("61.11", "80"), or "-".
func score(_ value: Double?) -> String {
    value.map { $0 == $0.rounded() ? String(Int($0)) : String(($0 * 100).rounded() / 100) } ?? "-"
}
