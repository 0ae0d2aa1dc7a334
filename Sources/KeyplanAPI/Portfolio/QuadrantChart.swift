public import Foundation

/// The Relationship/Revenue quadrant of a portfolio as a picture: relationship strength across
/// (weak left, strong right), potential value up (low bottom, high top), the tenant's thresholds
/// as the dividing lines, each quadrant named with its priority, each assessed account a dot whose
/// area grows with its current annual revenue and whose style tells strategic accounts from
/// candidates, labelled where its name finds room; a legend explains sizes, styles and priorities.
/// Pure: it renders text; writing the file is the caller's business.
public struct QuadrantChart: Sendable {
    public struct Point: Sendable, Hashable {
        public var name: String
        public var relationship: Decimal
        public var value: Decimal
        public var revenue: Decimal?
        public var status: AccountStatus

        public init(name: String, relationship: Decimal, value: Decimal, revenue: Decimal?, status: AccountStatus = .candidate) {
            self.name = name
            self.relationship = relationship
            self.value = value
            self.revenue = revenue
            self.status = status
        }
    }

    public var points: [Point]
    /// The thresholds that divide the quadrants and the priority of each.
    public var settings: PortfolioSettings

    /// The assessed accounts of `accounts` (unassessed ones have no place on the chart).
    public init(accounts: [PortfolioAccount], settings: PortfolioSettings) {
        self.points = accounts.compactMap { account in
            guard let value = account.valueScore, let relationship = account.relationshipScore else { return nil }
            return Point(name: account.name, relationship: relationship, value: value, revenue: account.annualRevenue, status: account.status)
        }
        self.settings = settings
    }

    public init(
        points: [Point], valueThreshold: Decimal, relationshipThreshold: Decimal, priorityOrder: [Quadrant] = PortfolioSettings.defaults.priorityOrder
    ) {
        self.points = points
        var settings = PortfolioSettings.defaults
        settings.valueThreshold = valueThreshold
        settings.relationshipThreshold = relationshipThreshold
        settings.priorityOrder = priorityOrder
        self.settings = settings
    }

    /// A quadrant's name: "strong relationship, high value".
    public static func name(of quadrant: Quadrant) -> String {
        "\(quadrant.isStrongRelationship ? "strong" : "weak") relationship, \(quadrant.isHighValue ? "high" : "low") value"
    }

    // MARK: SVG

    /// Pixels of the legend beside the plot.
    static let legendWidth = 240.0
    static let fontSize = 11.0

    /// The chart as a standalone SVG document: a plot `size` pixels square (at least 320), and the
    /// legend to its right.
    public func svg(size: Int = 640) -> String {
        let size = Double(max(size, 320))
        let margin = 60.0, side = size - 2 * margin
        let plot = Box(x0: margin, y0: margin, x1: margin + side, y1: margin + side)
        func x(_ score: Decimal) -> Double { margin + side * min(1, max(0, Self.double(score) / 100)) }
        func y(_ score: Decimal) -> Double { margin + side * (1 - min(1, max(0, Self.double(score) / 100))) }
        let largest = points.compactMap(\.revenue).map(Self.double).filter(\.isFinite).max() ?? 0
        func radius(_ revenue: Decimal?) -> Double {
            // Area proportional to revenue: radius from 4 to 24 pixels.
            guard let revenue, largest > 0 else { return 4 }
            let share = Self.double(revenue) / largest
            return 4 + 20 * (share.isFinite ? min(1, max(0, share)) : 0).squareRoot()
        }
        let (dividerX, dividerY) = (x(settings.relationshipThreshold), y(settings.valueThreshold))

        let legend = self.legend(left: size + 4, top: margin, largest: largest)
        let (width, height) = (size + Self.legendWidth, max(size, legend.bottom + 12))
        var svg = """
            <svg xmlns="http://www.w3.org/2000/svg" width="\(Self.format(width))" height="\(Self.format(height))" viewBox="0 0 \(Self.format(width)) \(Self.format(height))" font-family="sans-serif" font-size="\(Int(Self.fontSize))">
            <rect x="\(margin)" y="\(margin)" width="\(side)" height="\(side)" fill="#fafafa" stroke="#333"/>
            <line x1="\(Self.format(dividerX))" y1="\(margin)" x2="\(Self.format(dividerX))" y2="\(margin + side)" stroke="#888" stroke-dasharray="4 4"/>
            <line x1="\(margin)" y1="\(Self.format(dividerY))" x2="\(margin + side)" y2="\(Self.format(dividerY))" stroke="#888" stroke-dasharray="4 4"/>
            <text x="\(margin + side / 2)" y="\(size - 20)" text-anchor="middle">Relationship strength →</text>
            <text x="20" y="\(margin + side / 2)" text-anchor="middle" transform="rotate(-90 20 \(margin + side / 2))">Potential value →</text>

            """
        // Each quadrant's priority and name in its outer corner, where the room allows.
        var taken = LabelSpace()
        for quadrant in Quadrant.allCases {
            let area = Box(
                x0: quadrant.isStrongRelationship ? dividerX : plot.x0, y0: quadrant.isHighValue ? plot.y0 : dividerY,
                x1: quadrant.isStrongRelationship ? plot.x1 : dividerX, y1: quadrant.isHighValue ? dividerY : plot.y1)
            let lines = ["priority \(settings.priority(of: quadrant))", Self.name(of: quadrant)].prefix(
                area.height >= 36 ? 2 : area.height >= 20 ? 1 : 0)
            let (textX, anchor) = quadrant.isStrongRelationship ? (area.x1 - 6, "end") : (area.x0 + 6, "start")
            svg +=
                "<g class=\"quadrant\" data-quadrant=\"\(quadrant.rawValue)\" data-priority=\"\(settings.priority(of: quadrant))\" fill=\"#888\">\n"
            for (index, line) in lines.enumerated() {
                let baseline = quadrant.isHighValue ? area.y0 + 16 + 14 * Double(index) : area.y1 - 8 - 14 * Double(lines.count - 1 - index)
                let element = SVGText.element(
                    line, width: area.width - 12, fontSize: Self.fontSize, bold: index == 0,
                    attributes: "x=\"\(Self.format(textX))\" y=\"\(Self.format(baseline))\" text-anchor=\"\(anchor)\"")
                guard !element.isEmpty else { continue }
                svg += element
                taken.insert(Box(x0: area.x0, y0: baseline - 0.95 * Self.fontSize, x1: area.x1, y1: baseline + 0.3 * Self.fontSize))
            }
            svg += "</g>\n"
        }

        // Dots, largest first so that small ones stay visible on top; then the labels.
        let drawn = points.sorted { ($0.revenue ?? 0, $1.name) > ($1.revenue ?? 0, $0.name) }
        for point in drawn {
            let style = Self.style(point.status)
            svg += """
                <circle class="account" data-status="\(point.status.rawValue)" cx="\(Self.format(x(point.relationship)))" cy="\(Self.format(y(point.value)))" r="\(Self.format(radius(point.revenue)))" \(style)><title>\(Self.escape(point.name)) (\(point.status.rawValue))</title></circle>

                """
        }
        // Strategic accounts are labelled first, then the larger ones: they claim the room.
        let labelArea = Box(x0: plot.x0 - 30, y0: plot.y0 - 30, x1: plot.x1 + 30, y1: plot.y1 + 24)
        let byImportance = drawn.sorted { ($0.status == .strategic ? 0 : 1) < ($1.status == .strategic ? 0 : 1) }
        for point in byImportance {
            if let label = taken.place(point.name, at: (x(point.relationship), y(point.value)), radius: radius(point.revenue), within: labelArea) {
                svg += label
            }
        }
        svg += legend.svg
        return svg + "</svg>\n"
    }

    /// A dot's fill and stroke by status: strategic accounts solid blue, candidates hollow
    /// orange and dashed, archived ones grey and dotted.
    static func style(_ status: AccountStatus) -> String {
        switch status {
        case .strategic: "fill=\"#3a7bd5\" fill-opacity=\"0.6\" stroke=\"#1d3f6e\" stroke-width=\"1.5\""
        case .candidate: "fill=\"#f4a261\" fill-opacity=\"0.25\" stroke=\"#b5651d\" stroke-width=\"1.5\" stroke-dasharray=\"3 2\""
        case .archived: "fill=\"#cccccc\" fill-opacity=\"0.4\" stroke=\"#888888\" stroke-dasharray=\"1 2\""
        }
    }

    /// The legend: reference dots for revenue, the statuses drawn, the priority of each quadrant.
    private func legend(left: Double, top: Double, largest: Double) -> (svg: String, bottom: Double) {
        let room = Self.legendWidth - 16
        var y = top, svg = "<g class=\"legend\">\n"
        func heading(_ text: String) {
            svg += SVGText.element(
                text, width: room, fontSize: Self.fontSize, bold: true, attributes: "x=\"\(Self.format(left))\" y=\"\(Self.format(y))\"")
            y += 10
        }
        /// A row: a dot of `radius` and `style`, and its words beside it.
        func row(_ radius: Double, _ style: String, _ text: String, attributes: String = "") {
            let cy = y + max(radius, 6) + 2
            svg += "<circle cx=\"\(Self.format(left + 26))\" cy=\"\(Self.format(cy))\" r=\"\(Self.format(radius))\" \(style)\(attributes)/>"
            svg += SVGText.element(
                text, width: room - 56, fontSize: Self.fontSize, attributes: "x=\"\(Self.format(left + 56))\" y=\"\(Self.format(cy + 4))\"")
            y = cy + max(radius, 6) + 4
        }
        heading("Annual revenue (dot area)")
        let neutral = "fill=\"#ffffff\" stroke=\"#333333\""
        if largest > 0 {
            row(24, neutral, Self.amount(largest), attributes: " class=\"revenue-reference\"")
            row(14, neutral, Self.amount(largest / 4), attributes: " class=\"revenue-reference\"")
        }
        if largest <= 0 || points.contains(where: { $0.revenue == nil }) { row(4, neutral, "unknown") }
        y += 14
        heading("Status")
        let statuses = AccountStatus.allCases.filter { $0 != .archived || points.contains { $0.status == .archived } }
        for status in statuses { row(6, Self.style(status), status.rawValue, attributes: " class=\"status-key\" data-status=\"\(status.rawValue)\"") }
        y += 14
        heading("Priority (relationship, value)")
        y += 4
        for quadrant in Quadrant.allCases.sorted(by: { settings.priority(of: $0) < settings.priority(of: $1) }) {
            y += 14
            let words =
                "\(settings.priority(of: quadrant)) \(quadrant.isStrongRelationship ? "strong" : "weak"), \(quadrant.isHighValue ? "high" : "low")"
            svg += SVGText.element(words, width: room, fontSize: Self.fontSize, attributes: "x=\"\(Self.format(left))\" y=\"\(Self.format(y))\"")
        }
        return (svg + "</g>\n", y + 4)
    }

    /// An amount in few characters: "1.25M", "300k", "950".
    static func amount(_ value: Double) -> String {
        switch abs(value) {
        case 1e9...: SVGText.compact(value / 1e9) + "B"
        case 1e6...: SVGText.compact(value / 1e6) + "M"
        case 1e3...: SVGText.compact(value / 1e3) + "k"
        default: SVGText.compact(value)
        }
    }

    /// A rectangle of the picture.
    struct Box {
        var x0, y0, x1, y1: Double
        var width: Double { x1 - x0 }
        var height: Double { y1 - y0 }

        func overlaps(_ other: Box) -> Bool { x0 < other.x1 && other.x0 < x1 && y0 < other.y1 && other.y0 < y1 }
        func contains(_ other: Box) -> Bool { x0 <= other.x0 && other.x1 <= x1 && y0 <= other.y0 && other.y1 <= y1 }
    }

    /// Where labels already are, in bands of rows so that a new label is checked only against its
    /// neighbours (a chart may hold thousands of accounts).
    struct LabelSpace {
        static let band = 16.0
        private var bands: [Int: [Box]] = [:]

        private static func rows(_ box: Box) -> ClosedRange<Int> {
            Int((box.y0 / band).rounded(.down))...Int((box.y1 / band).rounded(.down))
        }

        mutating func insert(_ box: Box) {
            for row in Self.rows(box) { bands[row, default: []].append(box) }
        }

        func isFree(_ box: Box) -> Bool {
            Self.rows(box).allSatisfy { bands[$0]?.allSatisfy { !$0.overlaps(box) } ?? true }
        }

        /// The label of a dot at `center`: right of it, else left, above or below — the first place
        /// inside `area` and free of other labels where the whole name fits, else the one that
        /// shows the most of it, cut. `nil` when no place is left: the dot's tooltip still names it.
        mutating func place(_ name: String, at center: (x: Double, y: Double), radius: Double, within area: Box) -> String? {
            let size = QuadrantChart.fontSize, ascent = 0.95 * size, descent = 0.3 * size
            let (cx, cy) = center
            // (anchor x, baseline, text-anchor, room across)
            let candidates: [(Double, Double, String, Double)] = [
                (cx + radius + 3, cy + 4, "start", area.x1 - (cx + radius + 3)),
                (cx - radius - 3, cy + 4, "end", (cx - radius - 3) - area.x0),
                (cx, cy - radius - 3 - descent, "middle", 2 * min(cx - area.x0, area.x1 - cx)),
                (cx, cy + radius + 3 + ascent, "middle", 2 * min(cx - area.x0, area.x1 - cx)),
            ]
            var best: (text: String, box: Box, attributes: String)?
            for (x, baseline, anchor, room) in candidates where room > 0 {
                let shown = SVGText.fitted(name, width: room, fontSize: size)
                guard !shown.isEmpty else { continue }
                let width = SVGText.width(shown, fontSize: size)
                let left = anchor == "start" ? x : anchor == "end" ? x - width : x - width / 2
                let box = Box(x0: left, y0: baseline - ascent, x1: left + width, y1: baseline + descent)
                guard area.contains(box), isFree(box) else { continue }
                let attributes = "class=\"label\" x=\"\(QuadrantChart.format(x))\" y=\"\(QuadrantChart.format(baseline))\" text-anchor=\"\(anchor)\""
                if shown == name {
                    best = (shown, box, attributes)
                    break
                }
                if best == nil || shown.count > best!.text.count { best = (shown, box, attributes) }
            }
            guard let best else { return nil }
            insert(best.box)
            return SVGText.element(name, width: best.box.width, fontSize: size, attributes: best.attributes)
        }
    }

    // MARK: Text

    /// The chart as text, `columns` × `rows` characters inside its frame: each account a letter
    /// (`A`, `B`…, then `*` when more share a cell), with a legend below.
    public func text(columns: Int = 40, rows: Int = 16) -> String {
        var grid = Array(repeating: Array(repeating: Character(" "), count: columns), count: rows)
        // Cells in exact decimal arithmetic, so a score on a cell boundary lands in the same cell every time.
        func cell(_ fraction: Decimal, _ count: Int) -> Int {
            max(0, min(count - 1, Int(Self.double((fraction * Decimal(count) / 100).rounded(0, .down)))))
        }
        func column(_ score: Decimal) -> Int { cell(score, columns) }
        func row(_ score: Decimal) -> Int { cell(100 - score, rows) }
        let dividerColumn = column(settings.relationshipThreshold), dividerRow = row(settings.valueThreshold)
        for r in 0..<rows { grid[r][dividerColumn] = "|" }
        for c in 0..<columns { grid[dividerRow][c] = grid[dividerRow][c] == "|" ? "+" : "-" }
        var legend: [String] = []
        for (index, point) in points.enumerated() {
            let mark = Self.mark(index)
            let (r, c) = (row(point.value), column(point.relationship))
            grid[r][c] = grid[r][c].isLetter || grid[r][c].isNumber || grid[r][c] == "*" ? "*" : mark
            legend.append(
                "\(mark) \(point.name) (relationship \(point.relationship), value \(point.value)\(point.revenue.map { ", revenue \($0)" } ?? ""))")
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
