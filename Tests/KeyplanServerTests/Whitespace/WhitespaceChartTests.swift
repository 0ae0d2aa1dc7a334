import Foundation
import KeyplanAPI
import Testing

@Suite("Whitespace chart")
struct WhitespaceChartTests {
    static let analytics = UUID(uuidString: "00000000-0000-0000-0000-00000000000a")!
    static let cloud = UUID(uuidString: "00000000-0000-0000-0000-00000000000c")!
    static let person = WorkspaceChange.Actor(userID: UUID(), kind: .seller, displayName: "Ann", email: "ann@acme.example")

    static func cell(
        _ unit: String, _ solution: UUID, _ name: String, status: WhitespaceStatus?, value: Decimal? = nil, competitor: String? = nil,
        shared: Bool = false
    ) -> WhitespaceCell {
        WhitespaceCell(
            id: UUID(), accountID: UUID(), businessUnit: unit, solutionID: solution, solutionName: name, status: status,
            servedBy: competitor == nil ? (status == nil ? nil : .unknown) : .competitor, competitor: competitor, annualValue: value,
            currency: status == nil ? nil : "EUR", contractEndsOn: nil, note: status == nil ? nil : "", idea: "", goalIDs: [], opportunityIDs: [],
            shared: shared, version: 1, createdBy: person, createdAt: Date(timeIntervalSince1970: 0), updatedBy: person,
            updatedAt: Date(timeIntervalSince1970: 0))
    }

    static let grid = WhitespaceGrid(
        accountID: UUID(), accountName: "Globex <Retail>", businessUnits: ["Finance", "Plant operations"],
        solutions: [.init(solutionID: analytics, name: "Analytics"), .init(solutionID: cloud, name: "Cloud")],
        cells: [
            cell("Finance", analytics, "Analytics", status: .inUse, value: 250_000),
            cell("Finance", cloud, "Cloud", status: .competitor, competitor: "Initrode"),
            cell("Plant operations", analytics, "Analytics", status: .opportunity, value: 1_200_000, shared: true),
        ])

    @Test func svgColoursCellsByStatusWithTheirValueAndALegend() {
        let svg = WhitespaceChart(grid: Self.grid).svg()
        #expect(svg.hasPrefix("<svg xmlns=\"http://www.w3.org/2000/svg\"") && svg.hasSuffix("</svg>\n"))
        #expect(svg.components(separatedBy: "<g class=\"cell\"").count - 1 == 3)
        #expect(svg.components(separatedBy: "<rect class=\"empty\"").count - 1 == 1, "Plant operations × Cloud is whitespace")
        #expect(svg.contains("data-status=\"opportunity\" data-shared=\"true\"") && svg.contains("fill=\"#7fb3ff\""))
        #expect(svg.contains(">1.2M EUR</text>") && svg.contains(">250k EUR</text>") && svg.contains(">Initrode</text>"))
        #expect(svg.contains("Globex &lt;Retail&gt;") && !svg.contains("<Retail>"))
        for status in WhitespaceStatus.allCases { #expect(svg.contains(">\(status.title)</text>"), "legend lacks \(status)") }
        #expect(svg == WhitespaceChart(grid: Self.grid).svg(), "deterministic")
    }

    @Test func aCustomersGridShowsIdeasWithoutFigures() {
        var idea = Self.cell("Plant operations", Self.analytics, "Analytics", status: nil, shared: true)
        idea.idea = "Predict outages"
        let grid = WhitespaceGrid(
            accountID: UUID(), accountName: "Globex", businessUnits: ["Plant operations"],
            solutions: [.init(solutionID: Self.analytics, name: "Analytics")], cells: [idea])
        let svg = WhitespaceChart(grid: grid).svg()
        #expect(svg.contains("data-status=\"idea\"") && svg.contains(">idea to discuss</text>") && !svg.contains("class=\"detail\""))
        #expect(WhitespaceChart(grid: grid).text() == "Business unit     Analytics\nPlant operations  idea to discuss")
    }

    @Test func textIsATableOfUnitsBySolutions() {
        #expect(
            WhitespaceChart(grid: Self.grid).text() == """
                Business unit     Analytics                       Cloud
                Finance           in use: 250k EUR                competitor: Initrode
                Plant operations  opportunity: 1.2M EUR (shared)  ·
                """)
    }
}
