import Foundation

/// The Relationship/Revenue quadrant of a portfolio as a picture: relationship strength across
/// (weak left, strong right), potential value up (low bottom, high top), the tenant's thresholds
/// as the dividing lines, each assessed account a labelled dot whose area grows with its current
/// annual revenue. Pure: it renders text; writing the file is the caller's business.
public struct QuadrantChart: Sendable {
    public struct Point: Sendable, Hashable {
        public var name: String
        public var relationship: Decimal
        public var value: Decimal
        public var revenue: Decimal?

        public init(name: String, relationship: Decimal, value: Decimal, revenue: Decimal?) {
            self.name = name
            self.relationship = relationship
            self.value = value
            self.revenue = revenue
        }
    }

    public var points: [Point]
    public var valueThreshold: Decimal
    public var relationshipThreshold: Decimal

    /// The assessed accounts of `accounts` (unassessed ones have no place on the chart).
    public init(accounts: [PortfolioAccount], settings: PortfolioSettings) {
        self.points = accounts.compactMap { account in
            guard let value = account.valueScore, let relationship = account.relationshipScore else { return nil }
            return Point(name: account.name, relationship: relationship, value: value, revenue: account.annualRevenue)
        }
        self.valueThreshold = settings.valueThreshold
        self.relationshipThreshold = settings.relationshipThreshold
    }

    public init(points: [Point], valueThreshold: Decimal, relationshipThreshold: Decimal) {
        self.points = points
        self.valueThreshold = valueThreshold
        self.relationshipThreshold = relationshipThreshold
    }

    // MARK: SVG

    /// The chart as a standalone SVG document, `size` pixels square.
    public func svg(size: Int = 640) -> String {
        let margin = 60.0, side = Double(size) - 2 * margin
        func x(_ score: Decimal) -> Double { margin + side * Self.double(score) / 100 }
        func y(_ score: Decimal) -> Double { margin + side * (1 - Self.double(score) / 100) }
        let largest = points.compactMap(\.revenue).map(Self.double).max() ?? 0
        func radius(_ revenue: Decimal?) -> Double {
            // Area proportional to revenue: radius from 4 to 24 pixels.
            guard let revenue, largest > 0 else { return 4 }
            return 4 + 20 * (Self.double(revenue) / largest).squareRoot()
        }
        var svg = """
            <svg xmlns="http://www.w3.org/2000/svg" width="\(size)" height="\(size)" viewBox="0 0 \(size) \(size)" font-family="sans-serif" font-size="11">
            <rect x="\(margin)" y="\(margin)" width="\(side)" height="\(side)" fill="#fafafa" stroke="#333"/>
            <line x1="\(x(relationshipThreshold))" y1="\(margin)" x2="\(x(relationshipThreshold))" y2="\(margin + side)" stroke="#888" stroke-dasharray="4 4"/>
            <line x1="\(margin)" y1="\(y(valueThreshold))" x2="\(margin + side)" y2="\(y(valueThreshold))" stroke="#888" stroke-dasharray="4 4"/>
            <text x="\(margin + side / 2)" y="\(Double(size) - 20)" text-anchor="middle">Relationship strength →</text>
            <text x="20" y="\(margin + side / 2)" text-anchor="middle" transform="rotate(-90 20 \(margin + side / 2))">Potential value →</text>
            <text x="\(margin + 6)" y="\(margin + 16)" fill="#888">weak / high value</text>
            <text x="\(margin + side - 6)" y="\(margin + 16)" fill="#888" text-anchor="end">strong / high value</text>
            <text x="\(margin + 6)" y="\(margin + side - 8)" fill="#888">weak / low value</text>
            <text x="\(margin + side - 6)" y="\(margin + side - 8)" fill="#888" text-anchor="end">strong / low value</text>

            """
        for point in points.sorted(by: { ($0.revenue ?? 0) > ($1.revenue ?? 0) }) {
            let (cx, cy, r) = (x(point.relationship), y(point.value), radius(point.revenue))
            svg += """
                <circle cx="\(Self.format(cx))" cy="\(Self.format(cy))" r="\(Self.format(r))" fill="#3a7bd5" fill-opacity="0.6" stroke="#1d3f6e"><title>\(Self.escape(point.name))</title></circle>
                <text x="\(Self.format(cx + r + 3))" y="\(Self.format(cy + 4))">\(Self.escape(point.name))</text>

                """
        }
        return svg + "</svg>\n"
    }

    // MARK: Text

    /// The chart as text, `columns` × `rows` characters inside its frame: each account a letter
    /// (`A`, `B`…, then `*` when more share a cell), with a legend below.
    public func text(columns: Int = 40, rows: Int = 16) -> String {
        var grid = Array(repeating: Array(repeating: Character(" "), count: columns), count: rows)
        // Cells in exact decimal arithmetic, so a score on a cell boundary lands in the same cell every time.
        func cell(_ fraction: Decimal, _ count: Int) -> Int { max(0, min(count - 1, Int(Self.double((fraction * Decimal(count) / 100).rounded(0, .down))))) }
        func column(_ score: Decimal) -> Int { cell(score, columns) }
        func row(_ score: Decimal) -> Int { cell(100 - score, rows) }
        let dividerColumn = column(relationshipThreshold), dividerRow = row(valueThreshold)
        for r in 0..<rows { grid[r][dividerColumn] = "|" }
        for c in 0..<columns { grid[dividerRow][c] = grid[dividerRow][c] == "|" ? "+" : "-" }
        var legend: [String] = []
        for (index, point) in points.enumerated() {
            let mark = Self.mark(index)
            let (r, c) = (row(point.value), column(point.relationship))
            grid[r][c] = grid[r][c].isLetter || grid[r][c].isNumber || grid[r][c] == "*" ? "*" : mark
            legend.append("\(mark) \(point.name) (relationship \(point.relationship), value \(point.value)\(point.revenue.map { ", revenue \($0)" } ?? ""))")
        }
        let border = "+" + String(repeating: "-", count: columns) + "+"
        let body = grid.map { "|" + String($0) + "|" }
        return ([" value ↑   weak · strong relationship →", border] + body + [border] + legend).joined(separator: "\n")
    }

    static func mark(_ index: Int) -> Character {
        let marks = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")
        return index < marks.count ? marks[index] : "*"
    }

    static func double(_ value: Decimal) -> Double { NSDecimalNumber(decimal: value).doubleValue }

    static func format(_ value: Double) -> String { SVGText.number(value) }

    /// Escapes text for XML content and attributes.
    static func escape(_ text: String) -> String { SVGText.escape(text) }
}
