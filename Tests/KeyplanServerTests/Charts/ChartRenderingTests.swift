import Foundation
import KeyplanAPI
import Testing

/// Every SVG picture Keyplan draws — the portfolio quadrant, the scorecard trend, the health
/// chart, the relationship map's org chart — rendered by a real renderer (librsvg's
/// `rsvg-convert`), with realistic and with adversarial data: nothing may be drawn outside the
/// canvas, where a viewer would cut it off.
@Suite("Charts render inside their canvas")
struct ChartRenderingTests {
    /// Where a picture draws, in its own pixels, against its canvas.
    struct Rendering: CustomStringConvertible {
        var width: Double
        var height: Double
        /// The bounds of everything drawn, `nil` when nothing is.
        var drawn: (x0: Double, y0: Double, x1: Double, y1: Double)?

        var isInsideCanvas: Bool {
            guard let drawn else { return true }
            return drawn.x0 >= 0 && drawn.y0 >= 0 && drawn.x1 <= width && drawn.y1 <= height
        }

        var description: String {
            guard let drawn else { return "nothing drawn on \(width) × \(height)" }
            return "drawn over x \(drawn.x0)…\(drawn.x1), y \(drawn.y0)…\(drawn.y1) of a \(width) × \(height) canvas"
        }
    }

    /// Renders `svg` with nothing cut off and measures what it draws. The picture is nested,
    /// `overflow="visible"`, in the middle of a canvas larger by its own size on every side, and
    /// rendered to EPS at one point per pixel: cairo gives an EPS the bounding box of what it
    /// actually drew — each glyph's ink, each stroke — so any part of the picture that its own
    /// canvas would cut shows as bounds beyond that canvas.
    static func render(_ svg: String) async throws -> Rendering {
        let renderer = try #require(
            ["/usr/bin/rsvg-convert", "/usr/local/bin/rsvg-convert"].first(where: FileManager.default.isExecutableFile(atPath:)),
            "rsvg-convert is missing: apt-get install librsvg2-bin (scripts/install-system-packages does)")
        let root = try #require(svg.range(of: "<svg "), "not an SVG document")
        let tag = svg[root.lowerBound...].prefix { $0 != ">" }
        func attribute(_ name: String) throws -> Double {
            let value = try #require(tag.range(of: " \(name)=\"").map { tag[$0.upperBound...].prefix { $0 != "\"" } }, "the root has no \(name)")
            return try #require(Double(value), "\(name)=\"\(value)\" is not a number")
        }
        let (width, height) = (try attribute("width"), try attribute("height"))
        let margin = max(width, height)
        let (outerWidth, outerHeight) = (width + 2 * margin, height + 2 * margin)
        let nested = svg.replacingCharacters(in: root, with: "<svg x=\"\(margin)\" y=\"\(margin)\" overflow=\"visible\" ")
        let document = """
            <svg xmlns="http://www.w3.org/2000/svg" width="\(outerWidth)" height="\(outerHeight)" viewBox="0 0 \(outerWidth) \(outerHeight)">
            \(nested)</svg>
            """
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("keyplan-chart-\(UUID()).svg")
        try document.write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        let run = try await CLITests.run(URL(fileURLWithPath: renderer), ["--format=eps", "--dpi-x", "72", "--dpi-y", "72", file.path])
        try #require(run.status == 0, "rsvg-convert failed: \(run.errors)")
        let line = try #require(run.output.split(separator: "\n").first { $0.hasPrefix("%%BoundingBox:") }, "no bounding box in the EPS")
        let box = line.dropFirst("%%BoundingBox:".count).split(separator: " ").compactMap { Double($0) }
        try #require(box.count == 4)
        guard box[2] > box[0] || box[3] > box[1] else { return Rendering(width: width, height: height, drawn: nil) }
        // PostScript counts y upwards from the bottom.
        return Rendering(
            width: width, height: height,
            drawn: (box[0] - margin, outerHeight - box[3] - margin, box[2] - margin, outerHeight - box[1] - margin))
    }

    /// The method itself: a picture whose text runs past its right edge is caught, the same
    /// text inside is not.
    @Test func theMeasureCatchesTextThatRunsOffTheCanvas() async throws {
        func picture(_ x: Int) -> String {
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"200\" height=\"50\" viewBox=\"0 0 200 50\" font-family=\"sans-serif\" font-size=\"11\"><text x=\"\(x)\" y=\"30\">Contoso Manufacturing</text></svg>"
        }
        let cut = try await Self.render(picture(120))
        #expect(!cut.isInsideCanvas, "\(cut)")
        let whole = try await Self.render(picture(10))
        #expect(whole.isInsideCanvas, "\(whole)")
        #expect(try #require(whole.drawn).x1 > 100, "the text's ink is measured: \(whole)")
    }

    // MARK: Data

    /// Names a person might give an account or a contact, and names meant to break a layout.
    static let longNames = [
        "Contoso Manufacturing International Holdings AG & Co. KGaA",
        String(repeating: "W", count: 120),
        String(repeating: "Mmmm Wwww ", count: 20),
        "株式会社東京精密機械製作所グローバルソリューションズ事業本部",
        "Ærøskøbing Ölwerke GmbH — Österreichische Übersee-Niederlassung",
        "Завод «Уральский Щит» имени Жуковского",
        "🚀🛰️ Rocket & Orbit Labs 👩‍🚀👨‍👩‍👧 <script>&amp;",
        "شركة الخليج للصناعات البتروكيماوية المحدودة",
        "Z\u{0335}\u{0336}a\u{0337}l\u{0338}g\u{0334}o\u{0335} Industries",
    ]

    /// Deterministic pseudo-random numbers, so that a failure can be replayed.
    struct Sequence {
        var state: UInt64
        mutating func next(_ bound: Int) -> Int {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Int((state >> 33) % UInt64(bound))
        }
    }

    static var quadrants: [(String, QuadrantChart)] {
        let demo: [QuadrantChart.Point] = [
            .init(name: "Contoso Manufacturing", relationship: 92, value: 88, revenue: 4_200_000, status: .strategic),
            .init(name: "Fabrikam Energy", relationship: 38, value: 81, revenue: 2_900_000, status: .strategic),
            .init(name: "Globex Logistics", relationship: 71, value: 62, revenue: 1_800_000, status: .strategic),
            .init(name: "Initech Financial Services", relationship: 58, value: 95, revenue: 3_100_000, status: .strategic),
            .init(name: "Tailspin Toys", relationship: 22, value: 31, revenue: 350_000, status: .candidate),
            .init(name: "Woodgrove Bank", relationship: 64, value: 44, revenue: 900_000, status: .candidate),
            .init(name: "Litware", relationship: 12, value: 72, revenue: nil, status: .candidate),
            .init(name: "Northwind Traders", relationship: 99, value: 3, revenue: 150_000, status: .candidate),
        ]
        // Long names at every edge and corner, extreme revenue, and the thresholds far off-centre.
        var edges: [QuadrantChart.Point] = []
        for (index, name) in longNames.enumerated() {
            let corner = [(0, 0), (100, 100), (100, 0), (0, 100), (50, 100), (100, 50), (0, 50), (50, 0), (97, 97)][index % 9]
            edges.append(
                .init(
                    name: name, relationship: Decimal(corner.0), value: Decimal(corner.1),
                    revenue: [Decimal(string: "1000000000000000")!, 0, nil, 1][index % 4], status: index.isMultiple(of: 2) ? .strategic : .candidate))
        }
        var crowd: [QuadrantChart.Point] = []
        var random = Sequence(state: 16)
        for index in 0..<600 {
            crowd.append(
                .init(
                    name: index.isMultiple(of: 7)
                        ? longNames[index % longNames.count] : "Account \(index) \(String(repeating: "W", count: random.next(30)))",
                    relationship: Decimal(random.next(10_001)) / 100, value: Decimal(random.next(10_001)) / 100,
                    revenue: Decimal(random.next(5_000_000)), status: [.strategic, .candidate, .archived][random.next(3)]))
        }
        return [
            ("the demo portfolio", QuadrantChart(points: demo, valueThreshold: 50, relationshipThreshold: 50)),
            (
                "long names at the edges, thresholds at 95 and 5",
                QuadrantChart(points: edges, valueThreshold: 95, relationshipThreshold: 5, priorityOrder: [.weakLow, .strongLow, .weakHigh])
            ),
            ("long names at the edges, thresholds at 0 and 100", QuadrantChart(points: edges, valueThreshold: 0, relationshipThreshold: 100)),
            ("600 accounts", QuadrantChart(points: crowd, valueThreshold: Decimal(string: "62.5")!, relationshipThreshold: 40)),
            ("no account", QuadrantChart(points: [], valueThreshold: 50, relationshipThreshold: 50)),
        ]
    }

    /// A scorecard trend as the server sends it: each period's overall score.
    static func scorecardTrend(_ name: String, _ periods: [(String, Double)]) throws -> ScorecardTrend {
        let points: [[String: Any]] = periods.map { period, overall in
            [
                "roundID": UUID().uuidString, "period": period, "openedAt": 0, "isOpen": false, "overall": overall, "respondentCount": 3,
                "criteria": [Any](),
            ]
        }
        let trend: [String: Any] = ["templateID": UUID().uuidString, "templateName": name, "criteria": [Any](), "points": points]
        return try JSONDecoder().decode(ScorecardTrend.self, from: JSONSerialization.data(withJSONObject: trend))
    }

    static var trends: [(String, TrendChart)] {
        get throws {
            var random = Sequence(state: 61)
            let quarters = (2019...2026).flatMap { year in (1...4).map { "\(year)-Q\($0)" } }
            let long = [
                "FY2026 first half (January to June) — renewal", "株式会社東京精密機械製作所の第一四半期レビュー", String(repeating: "W", count: 50),
                "2026-Q3 🚀 launch review 👩‍🚀",
            ]
            let day = 86_400.0
            let start = Date(timeIntervalSince1970: 1_750_000_000)
            func health(_ name: String, _ scores: [Double]) -> TrendChart {
                AccountHealth(
                    accountID: UUID(), accountName: name, report: HealthReport(score: scores.last ?? 0, band: .low, signals: []), computedAt: start,
                    history: scores.enumerated().map { HealthPoint(at: start.addingTimeInterval(Double($0.offset) * day), score: $0.element) }
                ).chart
            }
            return [
                (
                    "a scorecard's four quarters",
                    try scorecardTrend("Customer value", [("2025-Q4", 6.2), ("2026-Q1", 7.1), ("2026-Q2", 8.1), ("2026-Q3", 6)]).chart(scale: 1...10)
                ),
                ("a scorecard's two rounds", try scorecardTrend("Customer value", [("2026-Q2", 8.1), ("2026-Q3", 6)]).chart(scale: 1...10)),
                ("a scorecard's one round", try scorecardTrend("Customer value", [("2026-Q3", 6)]).chart(scale: 1...10)),
                ("32 quarters", try scorecardTrend("Customer value", quarters.map { ($0, Double(random.next(10)) + 1) }).chart(scale: 1...10)),
                (
                    "long period labels and a long template name",
                    try scorecardTrend(
                        longNames[1] + " satisfaction survey",
                        (0..<12).map { (long[$0 % long.count] + " \($0)", Double(random.next(100))) }
                    ).chart(scale: 0...100)
                ),
                (
                    "values past the scale, an extreme scale",
                    try scorecardTrend("Scale", [("a", -5e9), ("b", 1e30), ("c", 4)]).chart(scale: -1_000_000_000...100_000_000_000)
                ),
                ("a health history of a year", health("Fabrikam Energy", (0..<365).map { 50 + 40 * sin(Double($0) / 20) })),
                ("a health history of 400 points and a long name", health(longNames[0] + " " + longNames[3], (0..<400).map { Double($0 % 101) })),
                ("health with one point", health(longNames[6], [34.22])),
                ("health without history", health("Initech", [])),
            ].map { ($0.0, $0.1) }
        }
    }
}

extension ChartRenderingTests {
    /// Relationship maps: a small real one, and maps built to break the layout — long names,
    /// titles and account names in many scripts, every decision role and influence, many
    /// contacts side by side, and a reporting line twelve deep.
    static var orgCharts: [(String, OrgChart)] {
        let account = UUID()
        var random = Sequence(state: 7)
        func contact(_ index: Int, name: String, title: String, reportsTo: UUID? = nil) -> Contact {
            Contact(
                id: UUID(), accountID: account, fullName: name, title: title, department: longNames[(index + 3) % longNames.count],
                reportsTo: reportsTo, decisionRole: ([nil] + DecisionRole.allCases.map(Optional.some))[index % (DecisionRole.allCases.count + 1)],
                influence: ([nil] + Influence.allCases.map(Optional.some))[index % (Influence.allCases.count + 1)],
                attitude: ([nil] + Attitude.allCases.map(Optional.some))[index % (Attitude.allCases.count + 1)])
        }
        func relationships(_ contacts: [Contact]) -> [Relationship] {
            contacts.enumerated().compactMap { index, contact in
                index % 4 == 3
                    ? nil
                    : Relationship(
                        accountID: account, contactID: contact.id, userID: UUID(), userName: longNames[index % longNames.count],
                        strength: RelationshipStrength.allCases[index % RelationshipStrength.allCases.count])
            }
        }

        let ceo = Contact(
            id: UUID(), accountID: account, fullName: "Carla Chen", title: "CEO", decisionRole: .decisionMaker, influence: .high, attitude: .neutral)
        let real = [
            ceo,
            Contact(
                id: UUID(), accountID: account, fullName: "Frank Fischer", title: "CFO", reportsTo: ceo.id, decisionRole: .decisionMaker,
                influence: .medium, attitude: .skeptic),
            Contact(
                id: UUID(), accountID: account, fullName: "Ivy Ito", title: "Head of Operations", reportsTo: ceo.id, decisionRole: .champion,
                influence: .high, attitude: .advocate),
        ]
        // Long names and titles, each contact a root of its own: they stand side by side, the last at the right edge.
        let wide = longNames.indices.map { contact($0, name: longNames[$0], title: longNames[(longNames.count - 1 - $0)]) }
        // A reporting line twelve deep, each manager with two reports of long names.
        var deep: [Contact] = []
        var manager: UUID?
        for level in 0..<12 {
            let head = contact(
                level, name: longNames[level % longNames.count], title: "Level \(level) " + longNames[(level + 1) % longNames.count],
                reportsTo: manager)
            deep.append(head)
            deep.append(contact(level + 5, name: "Report \(level) " + String(repeating: "W", count: random.next(40)), title: "", reportsTo: head.id))
            manager = head.id
        }
        // 120 contacts in a few wide trees.
        var crowd: [Contact] = []
        for index in 0..<120 {
            let reportsTo = index < 6 ? nil : crowd[random.next(index)].id
            crowd.append(
                contact(
                    index, name: index.isMultiple(of: 5) ? longNames[index % longNames.count] : "Contact \(index)",
                    title: index.isMultiple(of: 3) ? longNames[(index + 1) % longNames.count] : "Manager", reportsTo: reportsTo))
        }
        func chart(_ contacts: [Contact], _ name: String?) -> OrgChart {
            OrgChart(map: RelationshipMap(accountID: account, contacts: contacts, relationships: relationships(contacts)), accountName: name)
        }
        return [
            ("a small real map", chart(real, "Fabrikam Energy")),
            ("long names side by side and a long account name", chart(wide, longNames[0] + " " + longNames[3])),
            ("one contact with a long name, under a long account name", chart([wide[1]], longNames[1])),
            ("a reporting line twelve deep", chart(deep, longNames[7])),
            ("120 contacts", chart(crowd, nil)),
            ("no contact", chart([], longNames[2])),
        ]
    }

    @Test func orgChartsStayInsideTheirCanvas() async throws {
        for (story, chart) in Self.orgCharts {
            let rendering = try await Self.render(chart.svg())
            #expect(rendering.isInsideCanvas, "\(story): \(rendering)")
        }
    }

    @Test func quadrantChartsStayInsideTheirCanvas() async throws {
        for (story, chart) in Self.quadrants {
            for size in [640, 320] {
                let rendering = try await Self.render(chart.svg(size: size))
                #expect(rendering.isInsideCanvas, "\(story), size \(size): \(rendering)")
            }
        }
    }

    @Test func trendChartsStayInsideTheirCanvas() async throws {
        for (story, chart) in try Self.trends {
            for (width, height) in [(720, 360), (360, 220)] {
                let rendering = try await Self.render(chart.svg(width: width, height: height))
                #expect(rendering.isInsideCanvas, "\(story), \(width) × \(height): \(rendering)")
            }
        }
    }
}
