public import Foundation

/// A relationship map as an org chart: contacts laid out as reports-to trees (roots side by side,
/// each manager centred over their reports), each box filled by the contact's attitude toward us,
/// bordered by our strongest relationship with them, labelled with their decision role, and a
/// legend. Pure and deterministic: the same map renders the same bytes; writing the file is the
/// caller's business.
public struct OrgChart: Sendable {
    public var map: RelationshipMap
    /// Shown as the heading when given.
    public var accountName: String?

    public init(map: RelationshipMap, accountName: String? = nil) {
        self.map = map
        self.accountName = accountName
    }

    /// Sizes in pixels.
    public struct Metrics: Sendable, Hashable {
        public var boxWidth = 190.0
        public var boxHeight = 64.0
        public var horizontalGap = 24.0
        public var verticalGap = 48.0
        public var margin = 24.0
        /// Room above the chart for the heading.
        public var heading = 36.0

        /// Boxes 190 × 64, gaps 24 across and 48 down, margins 24.
        public static var defaults: Metrics { Metrics() }
    }

    /// Where each contact's box goes.
    public struct Layout: Sendable, Hashable {
        public struct Box: Sendable, Hashable {
            public var contactID: UUID
            /// Top-left corner.
            public var x: Double
            public var y: Double
            /// 0 for a root (no manager on the map).
            public var depth: Int

            public init(contactID: UUID, x: Double, y: Double, depth: Int) {
                self.contactID = contactID
                self.x = x
                self.y = y
                self.depth = depth
            }
        }

        /// A reports-to line.
        public struct Edge: Sendable, Hashable {
            public var manager: UUID
            public var report: UUID
        }

        /// In drawing order: each tree depth-first, roots by name.
        public var boxes: [Box]
        public var edges: [Edge]
        public var width: Double
        public var height: Double
    }

    /// The trees of the map. A contact whose manager is not on the map is a root; should the
    /// reports-to lines ever form a cycle (the server refuses them), its first contact by name
    /// becomes a root, so every contact is drawn exactly once.
    public func layout(_ metrics: Metrics = .defaults) -> Layout {
        let contacts = map.contacts.sorted(by: Self.byName)
        let ids = Set(contacts.map(\.id))
        var reports: [UUID: [Contact]] = [:]
        for contact in contacts {
            if let manager = contact.reportsTo, manager != contact.id, ids.contains(manager) { reports[manager, default: []].append(contact) }
        }
        var placed = Set<UUID>()
        var boxes: [Layout.Box] = []
        var edges: [Layout.Edge] = []
        var nextSlot = 0.0
        let column = metrics.boxWidth + metrics.horizontalGap, row = metrics.boxHeight + metrics.verticalGap
        let top = metrics.margin + (accountName == nil ? 0 : metrics.heading)

        /// Places a subtree; returns the slot its root is centred on.
        func place(_ contact: Contact, depth: Int) -> Double {
            placed.insert(contact.id)
            let index = boxes.count
            boxes.append(Layout.Box(contactID: contact.id, x: 0, y: top + Double(depth) * row, depth: depth))
            var slots: [Double] = []
            for report in reports[contact.id] ?? [] where !placed.contains(report.id) {
                edges.append(Layout.Edge(manager: contact.id, report: report.id))
                slots.append(place(report, depth: depth + 1))
            }
            let slot: Double
            if let first = slots.first, let last = slots.last {
                slot = (first + last) / 2
            } else {
                slot = nextSlot
                nextSlot += 1
            }
            boxes[index].x = metrics.margin + slot * column
            return slot
        }

        let managed = Set(reports.values.flatMap { $0.map(\.id) })
        for root in contacts where !managed.contains(root.id) { _ = place(root, depth: 0) }
        // Only contacts on a reports-to cycle remain.
        while let root = contacts.first(where: { !placed.contains($0.id) }) { _ = place(root, depth: 0) }

        let depth = boxes.map(\.depth).max().map { $0 + 1 } ?? 0
        return Layout(
            boxes: boxes, edges: edges,
            width: 2 * metrics.margin + max(0, nextSlot * column - metrics.horizontalGap),
            height: top + max(0, Double(depth) * row - metrics.verticalGap))
    }

    // MARK: Colours

    /// A box's fill for an attitude (white when unknown): greens for allies, reds for opponents.
    public static func fill(_ attitude: Attitude?) -> String {
        switch attitude {
        case .advocate: "#66bd63"
        case .supporter: "#d9ef8b"
        case .neutral: "#eeeeee"
        case .skeptic: "#fdae61"
        case .opponent: "#f46d43"
        case nil: "#ffffff"
        }
    }

    /// A box's border for our strongest relationship: the stronger, the thicker and darker;
    /// dashed when weak or absent.
    public static func border(_ strength: RelationshipStrength?) -> (stroke: String, width: Double, dash: String?) {
        switch strength {
        case .strong: ("#1d3f6e", 4, nil)
        case .moderate: ("#3a7bd5", 2.5, nil)
        case .weak: ("#3a7bd5", 1.5, "5 3")
        case nil: ("#999999", 1, "2 3")
        }
    }

    /// The badge letter for our strongest relationship: S, M, W, or – when nobody knows them.
    public static func badge(_ strength: RelationshipStrength?) -> String {
        switch strength {
        case .strong: "S"
        case .moderate: "M"
        case .weak: "W"
        case nil: "–"
        }
    }

    // MARK: SVG

    /// The chart as a standalone SVG document.
    public func svg(_ metrics: Metrics = .defaults) -> String {
        let layout = layout(metrics)
        let contacts = Dictionary(map.contacts.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        let boxes = Dictionary(layout.boxes.map { ($0.contactID, $0) }, uniquingKeysWith: { first, _ in first })
        let legendTop = layout.height + (layout.boxes.isEmpty ? 24 : metrics.verticalGap)
        let legendWidth = 2 * metrics.margin + 6 * 110
        let width = max(layout.width, legendWidth), height = legendTop + 62 + metrics.margin
        let n = SVGText.number

        var svg = """
            <svg xmlns="http://www.w3.org/2000/svg" width="\(n(width))" height="\(n(height))" viewBox="0 0 \(n(width)) \(n(height))" font-family="sans-serif" font-size="11">

            """
        if let accountName {
            svg += SVGText.element(
                "Relationship map: \(accountName)", width: width - 2 * metrics.margin, fontSize: 16, bold: true,
                attributes: "class=\"heading\" x=\"\(n(metrics.margin))\" y=\"\(n(metrics.margin + 16))\" font-size=\"16\"")
        }
        if layout.boxes.isEmpty {
            svg += "<text x=\"\(n(metrics.margin))\" y=\"\(n(layout.height + 12))\" fill=\"#666\">No contacts on the map yet.</text>\n"
        }
        for edge in layout.edges {
            guard let from = boxes[edge.manager], let to = boxes[edge.report] else { continue }
            let (x1, y1) = (from.x + metrics.boxWidth / 2, from.y + metrics.boxHeight)
            let (x2, y2) = (to.x + metrics.boxWidth / 2, to.y)
            let middle = (y1 + y2) / 2
            svg +=
                "<path class=\"reports-to\" data-manager=\"\(edge.manager.uuidString.lowercased())\" data-report=\"\(edge.report.uuidString.lowercased())\" d=\"M \(n(x1)) \(n(y1)) V \(n(middle)) H \(n(x2)) V \(n(y2))\" fill=\"none\" stroke=\"#666\"/>\n"
        }
        for box in layout.boxes {
            guard let contact = contacts[box.contactID] else { continue }
            svg += self.box(contact, at: box, metrics)
        }
        svg += legend(top: legendTop, metrics)
        return svg + "</svg>\n"
    }

    private func box(_ contact: Contact, at box: Layout.Box, _ metrics: Metrics) -> String {
        let n = SVGText.number, e = SVGText.escape
        let strongest = map.strongest(with: contact.id)
        let border = Self.border(strongest)
        let dash = border.dash.map { " stroke-dasharray=\"\($0)\"" } ?? ""
        let known = map.relationships(with: contact.id).map { "\($0.userName): \($0.strength.rawValue)" }
        let tooltip = ([contact.label, contact.department] + known).filter { !$0.isEmpty }.joined(separator: "\n")
        let role = [contact.decisionRole?.words, contact.influence.map { "\($0.rawValue) influence" }].compactMap { $0 }.joined(separator: " · ")
        let (x, y, w) = (box.x, box.y, metrics.boxWidth)
        var lines = """
            <g class="contact" data-contact="\(contact.id.uuidString.lowercased())" data-attitude="\(contact.attitude?.rawValue ?? "unknown")" data-strength="\(strongest?.rawValue ?? "none")">
            <title>\(e(tooltip))</title>
            <rect class="box" x="\(n(x))" y="\(n(y))" width="\(n(w))" height="\(n(metrics.boxHeight))" rx="6" fill="\(Self.fill(contact.attitude))" stroke="\(border.stroke)" stroke-width="\(n(border.width))"\(dash)/>

            """
        // Each line cut to the box, by its drawn width: the name stops short of the badge; the
        // role, smaller, fits "decision maker · high influence" whole.
        lines += SVGText.element(
            contact.fullName, width: w - 10 - Self.badgeRoom, fontSize: 11, bold: true,
            attributes: "class=\"name\" x=\"\(n(x + 10))\" y=\"\(n(y + 18))\"")
        lines += SVGText.element(contact.title, width: w - 18, fontSize: 11, attributes: "class=\"title\" x=\"\(n(x + 10))\" y=\"\(n(y + 34))\"")
        lines += SVGText.element(
            role, width: w - 18, fontSize: 9,
            attributes: "class=\"role\" x=\"\(n(x + 10))\" y=\"\(n(y + 52))\" font-size=\"9\" font-style=\"italic\" fill=\"#333\"")
        lines += """
            <circle class="badge" cx="\(n(x + w - 14))" cy="\(n(y + 14))" r="9" fill="#ffffff" stroke="\(border.stroke)"/>
            <text x="\(n(x + w - 14))" y="\(n(y + 18))" text-anchor="middle" font-size="10" font-weight="bold">\(Self.badge(strongest))</text>
            </g>

            """
        return lines
    }

    private func legend(top: Double, _ metrics: Metrics) -> String {
        let n = SVGText.number
        var legend = "<g class=\"legend\">\n<text x=\"\(n(metrics.margin))\" y=\"\(n(top))\" font-weight=\"bold\">Attitude (fill)</text>\n"
        for (index, attitude) in (Attitude.allCases.map(Optional.some) + [nil]).enumerated() {
            let x = metrics.margin + Double(index) * 110
            legend += "<rect x=\"\(n(x))\" y=\"\(n(top + 8))\" width=\"14\" height=\"14\" fill=\"\(Self.fill(attitude))\" stroke=\"#999999\"/>"
            legend += "<text x=\"\(n(x + 20))\" y=\"\(n(top + 19))\">\(attitude?.rawValue ?? "unknown")</text>\n"
        }
        legend += "<text x=\"\(n(metrics.margin))\" y=\"\(n(top + 40))\" font-weight=\"bold\">Our strongest relationship (border, badge)</text>\n"
        for (index, strength) in ([RelationshipStrength.strong, .moderate, .weak].map(Optional.some) + [nil]).enumerated() {
            let x = metrics.margin + Double(index) * 110
            let border = Self.border(strength)
            let dash = border.dash.map { " stroke-dasharray=\"\($0)\"" } ?? ""
            legend +=
                "<rect x=\"\(n(x))\" y=\"\(n(top + 48))\" width=\"14\" height=\"14\" fill=\"#ffffff\" stroke=\"\(border.stroke)\" stroke-width=\"\(n(border.width))\"\(dash)/>"
            legend += "<text x=\"\(n(x + 20))\" y=\"\(n(top + 59))\">\(Self.badge(strength)) \(strength?.rawValue ?? "nobody")</text>\n"
        }
        return legend + "</g>\n"
    }

    /// Pixels at a box's right that the badge takes from its first line (the badge and a gap).
    static let badgeRoom = 27.0

    /// Contacts by name, then id: the chart's order, whatever the map's.
    public static func byName(_ a: Contact, _ b: Contact) -> Bool {
        (a.fullName, a.id.uuidString) < (b.fullName, b.id.uuidString)
    }
}
