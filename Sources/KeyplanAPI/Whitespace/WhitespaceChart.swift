public import Foundation

/// An account's whitespace map as a picture and as text: business units down, solutions across,
/// each cell coloured by its status with its annual value (or potential) as a figure; a cell a
/// customer reads (no status) is an idea to discuss. Pure and deterministic: it renders text;
/// writing a file is the caller's business.
public struct WhitespaceChart: Sendable {
    public var grid: WhitespaceGrid

    public init(grid: WhitespaceGrid) { self.grid = grid }

    static let fontSize = 11.0
    static let headerWidth = 160.0
    static let cellWidth = 120.0
    static let cellHeight = 40.0

    /// A cell's fill: green where we serve, blue for opportunities, red where a competitor is,
    /// grey when it does not fit, white when unknown; pale blue for an idea shared with a customer.
    static func fill(_ status: WhitespaceStatus?) -> String {
        switch status {
        case .inUse: "#8fd19e"
        case .opportunity: "#7fb3ff"
        case .competitor: "#f4a3a3"
        case .notAFit: "#d9d9d9"
        case .unknown: "#ffffff"
        case nil: "#dbe9ff"
        }
    }

    /// What a cell says: its status (or "idea to discuss" for a customer's) and, below it, the
    /// competitor serving it and its value, if any.
    static func words(_ cell: WhitespaceCell) -> (label: String, detail: String?) {
        guard let status = cell.status else { return ("idea to discuss", nil) }
        let competitor = cell.servedBy == .competitor ? cell.competitor.flatMap { $0.isEmpty ? nil : $0 } : nil
        let figure = cell.annualValue.map { QuadrantChart.amount(NSDecimalNumber(decimal: $0).doubleValue) + (cell.currency.map { " \($0)" } ?? "") }
        let detail = [competitor, figure].compactMap { $0 }.joined(separator: " · ")
        return (status.title, detail.isEmpty ? nil : detail)
    }

    // MARK: SVG

    public func svg() -> String {
        let columns = grid.solutions, rows = grid.businessUnits
        let top = 56.0, left = Self.headerWidth + 10
        let width = left + Double(max(columns.count, 1)) * Self.cellWidth + 10
        let gridBottom = top + Double(rows.count) * Self.cellHeight
        let legendTop = gridBottom + 24
        let statuses: [WhitespaceStatus?] = WhitespaceStatus.allCases.map { $0 } + (grid.cells.contains { $0.status == nil } ? [nil] : [])
        let height = legendTop + 18 * Double(statuses.count) + 10
        func f(_ value: Double) -> String { SVGText.number(value) }
        var svg = """
            <svg xmlns="http://www.w3.org/2000/svg" width="\(f(width))" height="\(f(height))" viewBox="0 0 \(f(width)) \(f(height))" font-family="sans-serif" font-size="\(Int(Self.fontSize))">
            <rect width="\(f(width))" height="\(f(height))" fill="#ffffff"/>

            """
        svg += SVGText.element(
            "Whitespace: \(grid.accountName)", width: width - 20, fontSize: 14, bold: true, attributes: "x=\"10\" y=\"22\" font-size=\"14\"")
        for (index, column) in columns.enumerated() {
            let x = left + Double(index) * Self.cellWidth
            svg += SVGText.element(
                column.name, width: Self.cellWidth - 8, fontSize: Self.fontSize, bold: true,
                attributes: "class=\"solution\" x=\"\(f(x + Self.cellWidth / 2))\" y=\"\(f(top - 8))\" text-anchor=\"middle\"")
        }
        for (row, unit) in rows.enumerated() {
            let y = top + Double(row) * Self.cellHeight
            svg += SVGText.element(
                unit, width: Self.headerWidth - 8, fontSize: Self.fontSize, bold: true,
                attributes: "class=\"business-unit\" x=\"10\" y=\"\(f(y + Self.cellHeight / 2 + 4))\"")
            for (index, column) in columns.enumerated() {
                let x = left + Double(index) * Self.cellWidth
                guard let cell = grid.cell(unit, column.solutionID) else {
                    svg +=
                        "<rect class=\"empty\" x=\"\(f(x))\" y=\"\(f(y))\" width=\"\(f(Self.cellWidth))\" height=\"\(f(Self.cellHeight))\" fill=\"#fafafa\" stroke=\"#cccccc\" stroke-dasharray=\"3 2\"/>\n"
                    continue
                }
                let (label, detail) = Self.words(cell)
                svg += "<g class=\"cell\" data-status=\"\(cell.status?.rawValue ?? "idea")\"\(cell.shared ? " data-shared=\"true\"" : "")>"
                svg +=
                    "<rect x=\"\(f(x))\" y=\"\(f(y))\" width=\"\(f(Self.cellWidth))\" height=\"\(f(Self.cellHeight))\" fill=\"\(Self.fill(cell.status))\" stroke=\"#555555\"/>"
                svg += SVGText.element(
                    label, width: Self.cellWidth - 8, fontSize: Self.fontSize,
                    attributes: "x=\"\(f(x + Self.cellWidth / 2))\" y=\"\(f(y + (detail == nil ? 24 : 16)))\" text-anchor=\"middle\"")
                if let detail {
                    svg += SVGText.element(
                        detail, width: Self.cellWidth - 8, fontSize: Self.fontSize, bold: true,
                        attributes: "class=\"detail\" x=\"\(f(x + Self.cellWidth / 2))\" y=\"\(f(y + 32))\" text-anchor=\"middle\"")
                }
                svg += "</g>\n"
            }
        }
        if rows.isEmpty {
            svg += "<text x=\"10\" y=\"\(f(top + 16))\" fill=\"#888888\">No cells yet.</text>\n"
        }
        svg += "<g class=\"legend\">\n"
        for (index, status) in statuses.enumerated() {
            let y = legendTop + 18 * Double(index)
            svg += "<rect x=\"10\" y=\"\(f(y))\" width=\"14\" height=\"12\" fill=\"\(Self.fill(status))\" stroke=\"#555555\"/>"
            svg += "<text x=\"30\" y=\"\(f(y + 10))\">\(SVGText.escape(status?.title ?? "idea to discuss"))</text>\n"
        }
        return svg + "</g>\n</svg>\n"
    }

    // MARK: Text

    /// The grid as a table of text: one line per business unit, one column per solution.
    public func text() -> String {
        guard !grid.businessUnits.isEmpty else { return "No whitespace cells for \(grid.accountName) yet." }
        func clip(_ text: String) -> String { text.count > 32 ? String(text.prefix(31)) + "…" : text }
        let header = ["Business unit"] + grid.solutions.map { clip($0.name) }
        let rows = grid.businessUnits.map { unit in
            [clip(unit)]
                + grid.solutions.map { column in
                    guard let cell = grid.cell(unit, column.solutionID) else { return "·" }
                    let (label, detail) = Self.words(cell)
                    return clip(label + (detail.map { ": \($0)" } ?? "") + (cell.shared && cell.status != nil ? " (shared)" : ""))
                }
        }
        let widths = header.indices.map { index in ([header] + rows).map { $0[index].count }.max() ?? 0 }
        func line(_ fields: [String]) -> String {
            zip(fields, widths).map { $0.padding(toLength: $1, withPad: " ", startingAt: 0) }.joined(separator: "  ")
                .trimmingCharacters(in: .whitespaces)
        }
        return ([line(header)] + rows.map(line)).joined(separator: "\n")
    }
}
