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

    /// The chart as a standalone SVG document. Every word stays inside it: the title and the
    /// labels are cut to their room (whole in a tooltip), the left margin grows with the range's
    /// labels, and the labels along the bottom are spaced by their widths — the latest point's
    /// always among them.
    public func svg(width: Int = 720, height: Int = 360) -> String {
        let fontSize = 11.0
        let (width, height) = (Double(max(width, 200)), Double(max(height, 160)))
        let rangeLabels = [range.upperBound, range.lowerBound].map(SVGText.compact)
        let left = max(50, 12 + rangeLabels.map { SVGText.width($0, fontSize: fontSize) }.max()!)
        let (right, top, bottom) = (20.0, 40.0, 60.0)
        let plotWidth = width - left - right, plotHeight = height - top - bottom
        let span = max(range.upperBound - range.lowerBound, .ulpOfOne)
        func y(_ value: Double) -> Double {
            top + plotHeight * (1 - (min(max(value, range.lowerBound), range.upperBound) - range.lowerBound) / span)
        }
        func x(_ index: Int) -> Double {
            points.count < 2 ? left + plotWidth / 2 : left + plotWidth * Double(index) / Double(points.count - 1)
        }
        let n = SVGText.compact
        var svg = """
            <svg xmlns="http://www.w3.org/2000/svg" width="\(n(width))" height="\(n(height))" viewBox="0 0 \(n(width)) \(n(height))" font-family="sans-serif" font-size="\(Int(fontSize))">

            """
        svg += SVGText.element(title, width: width - left - right, fontSize: 14, bold: true, attributes: "x=\"\(n(left))\" y=\"24\" font-size=\"14\"")
        for band in bands {
            svg += """
                <rect class="band" x="\(n(left))" y="\(n(y(band.range.upperBound)))" width="\(n(plotWidth))" height="\(n(y(band.range.lowerBound) - y(band.range.upperBound)))" fill="\(band.color)"><title>\(SVGText.escape(band.label))</title></rect>

                """
        }
        svg += """
            <rect x="\(n(left))" y="\(top)" width="\(n(plotWidth))" height="\(plotHeight)" fill="none" stroke="#333"/>
            <text x="\(n(left - 6))" y="\(n(y(range.upperBound) + 4))" text-anchor="end">\(rangeLabels[0])</text>
            <text x="\(n(left - 6))" y="\(n(y(range.lowerBound) + 4))" text-anchor="end">\(rangeLabels[1])</text>

            """
        if points.count > 1 {
            let path = points.indices.map { "\(n(x($0))),\(n(y(points[$0].value)))" }.joined(separator: " ")
            svg += "<polyline fill=\"none\" stroke=\"#3a7bd5\" stroke-width=\"2\" points=\"\(path)\"/>\n"
        }
        for (index, point) in points.enumerated() {
            svg +=
                "<circle class=\"point\" cx=\"\(n(x(index)))\" cy=\"\(n(y(point.value)))\" r=\"3.5\" fill=\"#1d3f6e\"><title>\(SVGText.escape(point.label)): \(n(point.value))</title></circle>\n"
        }
        let labels = labelled(plotWidth: plotWidth, fontSize: fontSize)
        for index in labels.indices {
            // Centred under its point, moved inward where the picture's edge would cut it.
            let shown = SVGText.fitted(points[index].label, width: labels.room, fontSize: fontSize)
            let half = SVGText.width(shown, fontSize: fontSize) / 2
            let center = min(max(x(index), 4 + half), width - 4 - half)
            svg += SVGText.element(
                points[index].label, width: labels.room, fontSize: fontSize,
                attributes: "class=\"label\" x=\"\(n(center))\" y=\"\(n(height - bottom + 16))\" text-anchor=\"middle\"")
        }
        if points.isEmpty {
            svg += "<text x=\"\(n(left + plotWidth / 2))\" y=\"\(n(top + plotHeight / 2))\" text-anchor=\"middle\" fill=\"#888\">no data yet</text>\n"
        }
        return svg + "</svg>\n"
    }

    /// Which points get a label along the bottom, and the room of each: every `step`-th point
    /// counted back from the latest, `step` the least that gives each label the room of the
    /// widest (at most 160 pixels, the rest cut) and shows at most about ten.
    func labelled(plotWidth: Double, fontSize: Double) -> (indices: [Int], room: Double) {
        guard let last = points.indices.last else { return ([], 0) }
        guard last > 0 else { return ([0], plotWidth) }
        let widest = min(160, points.map { SVGText.width($0.label, fontSize: fontSize) }.max() ?? 0)
        let spacing = plotWidth / Double(last)
        var step = max(1, (points.count + 9) / 10)
        while step < last && spacing * Double(step) < widest + 8 { step += 1 }
        return (Array(stride(from: last, through: 0, by: -step).reversed()), min(160, spacing * Double(step) - 8))
    }
}
