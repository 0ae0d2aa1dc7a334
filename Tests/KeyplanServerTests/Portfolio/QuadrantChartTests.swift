import Foundation
import KeyplanAPI
import Testing

@Suite("Quadrant chart")
struct QuadrantChartTests {
    let chart = QuadrantChart(
        points: [
            .init(name: "Big <Strong>", relationship: 90, value: 80, revenue: 1_000_000),
            .init(name: "Small", relationship: 10, value: 20, revenue: 10_000),
            .init(name: "Unknown", relationship: 10, value: 90, revenue: nil),
        ],
        valueThreshold: 50, relationshipThreshold: 50)

    @Test func svgHasALabelledDotPerAccountSizedByRevenue() throws {
        let svg = chart.svg(size: 640)
        #expect(svg.hasPrefix("<svg xmlns=\"http://www.w3.org/2000/svg\"") && svg.hasSuffix("</svg>\n"))
        #expect(svg.components(separatedBy: "<circle class=\"account\"").count - 1 == 3)
        // A legend for the dots' sizes and styles, and each quadrant named with its priority.
        #expect(svg.contains("Annual revenue (dot area)") && svg.contains("class=\"status-key\" data-status=\"strategic\""))
        #expect((1...4).allSatisfy { svg.contains("data-priority=\"\($0)\"") } && svg.contains("strong relationship, high value"))
        #expect(svg.contains("Big &lt;Strong&gt;") && !svg.contains("<Strong>"))
        // The largest revenue gets the largest dot (24 px); a much smaller one a smaller dot; unknown the minimum.
        #expect(svg.contains("r=\"24.0\"") && svg.contains("r=\"6.0\"") && svg.contains("r=\"4.0\""))
        // Relationship 90 of 0–100 on a 520 px plot from x = 60: 60 + 468 = 528.
        #expect(svg.contains("cx=\"528.0\" cy=\"164.0\""))
    }

    /// A name with room beside its dot is drawn whole, and so are the legend's headings.
    @Test func namesWithRoomAreNotCut() throws {
        let names = ["Fabrikam Energy", "Contoso Manufacturing", "Wayne Foods", "Globex Retail"]
        let points = names.enumerated().map { index, name in
            QuadrantChart.Point(
                name: name, relationship: Decimal(20 + 20 * index), value: Decimal(80 - 20 * index), revenue: Decimal(1_000_000 * (index + 1)),
                status: .strategic)
        }
        let svg = QuadrantChart(points: points, valueThreshold: 50, relationshipThreshold: 50).svg()
        for name in names { #expect(svg.contains(">\(name)</text>"), "\(name) cut") }
        #expect(svg.contains(">Annual revenue (dot area)</text>") && svg.contains(">Priority (relationship, value)</text>"))
        #expect(!svg.contains("…"))
    }

    @Test func textPlacesAccountsInTheirQuadrants() throws {
        let text = chart.text(columns: 20, rows: 10)
        let lines = text.split(separator: "\n").map(String.init)
        // Frame, 10 rows, frame; then the legend.
        let grid = Array(lines[2..<12])
        #expect(grid.allSatisfy { $0.count == 22 })
        func cell(_ row: Int, _ column: Int) -> Character { Array(grid[row])[column + 1] }
        #expect(cell(2, 18) == "A")  // strong, high: top right
        #expect(cell(8, 2) == "B")  // weak, low: bottom left
        #expect(cell(1, 2) == "C")  // weak, high: top left
        #expect(cell(0, 10) == "|" && cell(5, 0) == "-" && cell(5, 10) == "+")
        #expect(lines.contains("A Big <Strong> (relationship 90, value 80, revenue 1000000)"))
    }
}
