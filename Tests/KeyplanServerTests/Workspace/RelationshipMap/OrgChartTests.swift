import Foundation
import KeyplanAPI
import Testing

#if canImport(FoundationXML)
import FoundationXML
#endif

@Suite("Relationship map org chart")
struct OrgChartTests {
    typealias Box = OrgChart.Layout.Box

    @Test func contactsAreLaidOutAsReportsToTreesManagersCentredOverTheirReports() {
        let layout = OrgChart(map: KnownMap.map).layout()
        // Columns 214 apart (box 190 + gap 24), rows 112 (64 + 48), margin 24.
        #expect(
            layout.boxes == [
                Box(contactID: KnownMap.carla, x: 131, y: 24, depth: 0),
                Box(contactID: KnownMap.frank, x: 24, y: 136, depth: 1),
                Box(contactID: KnownMap.gus, x: 24, y: 248, depth: 2),
                Box(contactID: KnownMap.ivy, x: 238, y: 136, depth: 1),
                Box(contactID: KnownMap.uma, x: 238, y: 248, depth: 2),
            ])
        #expect(
            layout.edges.map { [$0.manager, $0.report] } == [
                [KnownMap.carla, KnownMap.frank], [KnownMap.frank, KnownMap.gus], [KnownMap.carla, KnownMap.ivy], [KnownMap.ivy, KnownMap.uma],
            ])
        #expect(layout.width == 452 && layout.height == 312)
    }

    @Test func rootsStandSideBySideAndAManagerOffTheMapMakesARoot() {
        var map = KnownMap.map
        let ada = UUID(), zed = UUID()
        map.contacts.append(Contact(id: ada, accountID: KnownMap.account, fullName: "Ada Able"))
        map.contacts.append(Contact(id: zed, accountID: KnownMap.account, fullName: "Zed Zero", reportsTo: UUID()))
        let boxes = OrgChart(map: map).layout().boxes
        let roots = boxes.filter { $0.depth == 0 }
        #expect(roots.map(\.contactID) == [ada, KnownMap.carla, zed])
        #expect(roots.map(\.x) == [24, 24 + 1.5 * 214, 24 + 3 * 214] && Set(roots.map(\.y)) == [24])
    }

    @Test func aReportsToCycleStillDrawsEveryContactOnce() {
        let (a, b) = (UUID(), UUID())
        let map = RelationshipMap(
            accountID: KnownMap.account,
            contacts: [
                Contact(id: a, accountID: KnownMap.account, fullName: "A", reportsTo: b),
                Contact(id: b, accountID: KnownMap.account, fullName: "B", reportsTo: a),
            ],
            relationships: [])
        let layout = OrgChart(map: map).layout()
        #expect(layout.boxes.map(\.contactID) == [a, b] && layout.boxes.map(\.depth) == [0, 1])
        #expect(layout.edges.map(\.report) == [b])
    }

    @Test func boxesAreFilledByAttitudeAndBorderedByOurStrongestRelationship() throws {
        let svg = OrgChart(map: KnownMap.map, accountName: "Acme").svg()
        #expect(svg.hasPrefix("<svg xmlns=\"http://www.w3.org/2000/svg\""))
        #expect(occurrences(of: "<g class=\"contact\"", in: svg) == 5)
        #expect(occurrences(of: "class=\"reports-to\"", in: svg) == 4)
        #expect(svg.contains(">Relationship map: Acme</text>"))

        let carla = try group(KnownMap.carla, in: svg)
        #expect(carla.contains("data-attitude=\"neutral\" data-strength=\"moderate\""))
        #expect(carla.contains("fill=\"#eeeeee\" stroke=\"#3a7bd5\" stroke-width=\"2.5\"/>"))
        #expect(carla.contains(">decision maker · high influence</text>") && carla.contains(">M</text>"))
        #expect(carla.contains("<title>Carla Chen (CEO)\nSam: moderate</title>"))
        let ivy = try group(KnownMap.ivy, in: svg)
        #expect(ivy.contains("fill=\"#d9ef8b\" stroke=\"#1d3f6e\" stroke-width=\"4.0\"/>") && ivy.contains(">S</text>"))
        let frank = try group(KnownMap.frank, in: svg)
        #expect(frank.contains("fill=\"#fdae61\" stroke=\"#999999\" stroke-width=\"1.0\" stroke-dasharray=\"2 3\"/>") && frank.contains(">–</text>"))
        let uma = try group(KnownMap.uma, in: svg)
        #expect(uma.contains("fill=\"#66bd63\""))
        // The line from Carla's bottom centre to Frank's top centre (36 pixels lower for the heading).
        #expect(svg.contains("data-report=\"\(KnownMap.frank.uuidString.lowercased())\" d=\"M 226.0 124.0 V 148.0 H 119.0 V 172.0\""))

        let legend = try #require(svg.range(of: "<g class=\"legend\">").map { String(svg[$0.lowerBound...]) })
        for attitude in Attitude.allCases {
            #expect(legend.contains("fill=\"\(OrgChart.fill(attitude))\"") && legend.contains(">\(attitude.rawValue)</text>"))
        }
        for strength in RelationshipStrength.allCases { #expect(legend.contains(">\(OrgChart.badge(strength)) \(strength.rawValue)</text>")) }
    }

    @Test func textIsEscapedForXMLAndTheDocumentParses() throws {
        var map = KnownMap.map
        map.contacts[1].fullName = "<script>&\"Bob's\""
        map.contacts[1].title = "R&D <lead>"
        map.relationships[0].userName = "Sam & <Co>"
        let svg = OrgChart(map: map, accountName: "A&B <Corp>").svg()
        #expect(!svg.contains("<script>") && !svg.contains("<lead>") && !svg.contains("<Co>") && !svg.contains("<Corp>"))
        #expect(svg.contains("&lt;script&gt;&amp;&quot;Bob&apos;s&quot;") && svg.contains("R&amp;D &lt;lead&gt;"))
        #expect(svg.contains("Sam &amp; &lt;Co&gt;: moderate") && svg.contains("Relationship map: A&amp;B &lt;Corp&gt;"))
        #if canImport(FoundationXML) || os(macOS)
        let document = try XMLDocument(xmlString: svg, options: [])
        let boxes = try document.nodes(forXPath: "//*[local-name()='g'][@class='contact']")
        #expect(boxes.count == 5)
        let names = try document.nodes(forXPath: "//*[local-name()='text'][@class='name']").compactMap(\.stringValue)
        #expect(names.contains("<script>&\"Bob's\""))
        #endif
    }

    @Test func theSameMapRendersTheSameBytesWhateverItsOrder() {
        var shuffled = KnownMap.map
        shuffled.contacts.reverse()
        shuffled.relationships.reverse()
        #expect(OrgChart(map: KnownMap.map).svg() == OrgChart(map: shuffled).svg())
        let empty = OrgChart(map: RelationshipMap(accountID: KnownMap.account, contacts: [], relationships: [])).svg()
        #expect(empty.contains("No contacts on the map yet.") && occurrences(of: "<g class=\"contact\"", in: empty) == 0)
    }

    @Test func longNamesAreCutWithAnEllipsis() {
        var map = KnownMap.map
        map.contacts[1].fullName = String(repeating: "x", count: 40)
        // Cut to the room left of the badge, the whole name in a tooltip.
        #expect(OrgChart(map: map).svg().contains("<title>\(String(repeating: "x", count: 40))</title>\(String(repeating: "x", count: 16))…</text>"))
    }

    func occurrences(of needle: String, in text: String) -> Int { text.components(separatedBy: needle).count - 1 }

    /// The `<g>` of one contact's box.
    func group(_ contact: UUID, in svg: String) throws -> String {
        let start = try #require(svg.range(of: "<g class=\"contact\" data-contact=\"\(contact.uuidString.lowercased())\""))
        let end = try #require(svg.range(of: "</g>", range: start.upperBound..<svg.endIndex))
        return String(svg[start.lowerBound..<end.upperBound])
    }
}
