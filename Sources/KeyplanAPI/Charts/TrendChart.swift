import Foundation

/// A value over time as a picture: a line through dated points on a fixed vertical range, with
/// optional shaded bands (health's high / medium / low) and a title. Pure: it renders text;
/// writing the file is the caller's business.
public struct TrendChart: Sendable {
    public struct Point: Sendable, Hashable {
        public var label: String
        public var value: Double

        public init(label: String, value: Double) {
            self.label = label
            self.value = value
        }
    }

    /// A horizontal band of the vertical range, shaded.
    public struct Band: Sendable, Hashable {
        public var range: ClosedRange<Double>
        public var color: String
        public var label: String

        public init(range: ClosedRange<Double>, color: String, label: String) {
            self.range = range
            self.color = color
            self.label = label
        }
    }

    public var title: String
    public var points: [Point]
    public var range: ClosedRange<Double>
    public var bands: [Band]

    public init(title: String, points: [Point], range: ClosedRange<Double>, bands: [Band] = []) {
        self.title = title
        self.points = points
        self.range = range
        self.bands = bands
    }

    /// Health's bands: low up to 33, medium to 66, high above.
    public static let healthBands = [
        Band(range: 0...33, color: "#fbe3e3", label: "low"),
        Band(range: 33...67, color: "#fdf3d7", label: "medium"),
        Band(range: 67...100, color: "#e3f4e3", label: "high"),
    ]

    /// The chart as a standalone SVG document.
    public func svg(width: Int = 720, height: Int = 360) -> String {
        let (left, right, top, bottom) = (50.0, 20.0, 40.0, 60.0)
        let plotWidth = Double(width) - left - right, plotHeight = Double(height) - top - bottom
        let span = max(range.upperBound - range.lowerBound, .ulpOfOne)
        func y(_ value: Double) -> Double {
            top + plotHeight * (1 - (min(max(value, range.lowerBound), range.upperBound) - range.lowerBound) / span)
        }
        func x(_ index: Int) -> Double {
            points.count < 2 ? left + plotWidth / 2 : left + plotWidth * Double(index) / Double(points.count - 1)
        }
        var svg = """
            <svg xmlns="http://www.w3.org/2000/svg" width="\(width)" height="\(height)" viewBox="0 0 \(width) \(height)" font-family="sans-serif" font-size="11">
            <text x="\(left)" y="24" font-size="14" font-weight="bold">\(SVGText.escape(title))</text>

            """
        for band in bands {
            svg += """
                <rect class="band" x="\(left)" y="\(SVGText.compact(y(band.range.upperBound)))" width="\(plotWidth)" height="\(SVGText.compact(y(band.range.lowerBound) - y(band.range.upperBound)))" fill="\(band.color)"><title>\(SVGText.escape(band.label))</title></rect>

                """
        }
        svg += """
            <rect x="\(left)" y="\(top)" width="\(plotWidth)" height="\(plotHeight)" fill="none" stroke="#333"/>
            <text x="\(left - 6)" y="\(SVGText.compact(y(range.upperBound) + 4))" text-anchor="end">\(SVGText.compact(range.upperBound))</text>
            <text x="\(left - 6)" y="\(SVGText.compact(y(range.lowerBound) + 4))" text-anchor="end">\(SVGText.compact(range.lowerBound))</text>

            """
        if points.count > 1 {
            let path = points.indices.map { "\(SVGText.compact(x($0))),\(SVGText.compact(y(points[$0].value)))" }.joined(separator: " ")
            svg += "<polyline fill=\"none\" stroke=\"#3a7bd5\" stroke-width=\"2\" points=\"\(path)\"/>\n"
        }
        // Labels of at most about ten points, so that they never overlap.
        let labelEvery = max(1, (points.count + 9) / 10)
        for (index, point) in points.enumerated() {
            svg += "<circle class=\"point\" cx=\"\(SVGText.compact(x(index)))\" cy=\"\(SVGText.compact(y(point.value)))\" r=\"3.5\" fill=\"#1d3f6e\"><title>\(SVGText.escape(point.label)): \(SVGText.compact(point.value))</title></circle>\n"
            if index % labelEvery == 0 || index == points.count - 1 {
                svg += "<text x=\"\(SVGText.compact(x(index)))\" y=\"\(Double(height) - bottom + 16)\" text-anchor=\"middle\">\(SVGText.escape(point.label))</text>\n"
            }
        }
        if points.isEmpty {
            svg += "<text x=\"\(left + plotWidth / 2)\" y=\"\(top + plotHeight / 2)\" text-anchor=\"middle\" fill=\"#888\">no data yet</text>\n"
        }
        return svg + "</svg>\n"
    }
}
