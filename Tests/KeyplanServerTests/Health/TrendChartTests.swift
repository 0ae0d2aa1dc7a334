import Foundation
import KeyplanAPI
import Testing

@Suite("Trend chart")
struct TrendChartTests {
    @Test func pointsLineBandsAndEscapedText() {
        let chart = TrendChart(
            title: "Health of <Acme & Co>",
            points: [.init(label: "2026-01-01", value: 80), .init(label: "2026-02-01", value: 40), .init(label: "2026-03-01", value: 100)],
            range: 0...100, bands: TrendChart.healthBands)
        let svg = chart.svg(width: 420, height: 260)
        #expect(svg.contains("Health of &lt;Acme &amp; Co&gt;") && !svg.contains("<Acme"))
        #expect(svg.components(separatedBy: "class=\"point\"").count == 4)
        #expect(svg.components(separatedBy: "class=\"band\"").count == 4)
        // Plot 50…400 across, 40…200 down: 80 → y 72, 40 → 136, 100 → 40.
        #expect(svg.contains("points=\"50,72 225,136 400,40\""))
        #expect(svg.hasSuffix("</svg>\n"))
    }

    @Test func anEmptyChartSaysSo() {
        let svg = TrendChart(title: "Nothing", points: [], range: 0...10).svg()
        #expect(svg.contains("no data yet") && !svg.contains("polyline"))
    }
}
