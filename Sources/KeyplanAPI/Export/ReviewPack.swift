public import Foundation

/// An account plan as a printable review pack: one self-contained HTML page (styles inline, the
/// pictures as inline SVG, no script) for a review meeting, printed to PDF by a browser. A pure
/// rendering of an ``AccountPlanDocument``: what a customer's pack can hold is what the server put
/// in the customer's document, and the seller-internal sections come only from
/// ``AccountPlanDocument/sellerInternal``.
public struct ReviewPack: Sendable {
    public var document: AccountPlanDocument

    public init(document: AccountPlanDocument) { self.document = document }

    public var html: String {
        let account = document.account.name
        var sections: [String] = [
            section("Goals", goals()),
            section("Mutual action plan", actions()),
            section("Process map", processMap()),
            section("Roadmap reviews", reviews()),
        ]
        if let internals = document.sellerInternal { sections += sellerSections(internals) }
        let view = document.view == .seller ? "account team — internal" : "shared with the customer"
        return """
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8">
            <title>\(e(account)) — account plan review</title>
            <style>
            body { font: 11pt/1.4 system-ui, sans-serif; color: #1f2933; margin: 2em; }
            h1 { font-size: 20pt; margin-bottom: 0; } h2 { font-size: 14pt; border-bottom: 1px solid #ccd; margin-top: 1.6em; }
            .meta { color: #52606d; } table { border-collapse: collapse; width: 100%; } td, th { text-align: left; padding: 3px 6px; border-bottom: 1px solid #e4e7eb; vertical-align: top; }
            .comment { color: #52606d; font-size: 9.5pt; } svg { max-width: 100%; height: auto; }
            section { break-inside: avoid-page; } @page { size: A4; margin: 15mm; }
            </style></head><body>
            <h1>\(e(account))</h1>
            <p class="meta">Account plan review pack (\(view)), \(e(RFC3339.string(from: document.exportedAt)))</p>
            \(sections.joined(separator: "\n"))
            </body></html>

            """
    }

    private func e(_ text: String) -> String { SVGText.escape(text) }

    private func section(_ title: String, _ body: String) -> String {
        "<section><h2>\(e(title))</h2>\n\(body)\n</section>"
    }

    private func table(_ header: [String], _ rows: [[String]]) -> String {
        guard !rows.isEmpty else { return "<p class=\"meta\">None yet.</p>" }
        let head = "<tr>" + header.map { "<th>\(e($0))</th>" }.joined() + "</tr>"
        return "<table>" + head + rows.map { "<tr>" + $0.map { "<td>\($0)</td>" }.joined() + "</tr>" }.joined(separator: "\n") + "</table>"
    }

    /// The comments on one record, escaped, as lines under it.
    private func comments(on id: UUID) -> String {
        document.comments.filter { $0.subject.id == id }.map {
            "<div class=\"comment\">\(e($0.author.displayName)): \(e($0.body))</div>"
        }.joined()
    }

    private func goals() -> String {
        let rows = document.goals.nodes.flatMap { node in
            ([node.goal] + node.children).map { goal in
                let metrics = goal.metrics.map { metric in
                    "\(metric.name): \(metric.current.map { "\($0)" } ?? "-") of \(metric.target.map { "\($0)" } ?? "-") \(metric.unit)"
                }.joined(separator: "; ")
                return [
                    (goal.id == node.goal.id ? "" : "— ") + e(goal.title) + comments(on: goal.id), e(goal.kind.rawValue),
                    e(goal.status.rawValue), e(goal.targetDate?.description ?? ""), e(metrics),
                ]
            }
        }
        return table(["Goal", "Kind", "Status", "Target date", "Metrics"], rows)
    }

    private func actions() -> String {
        table(
            ["Action", "Owner", "Due", "Status"],
            document.actions.map {
                [
                    e($0.title) + comments(on: $0.id), e($0.ownerName ?? ""), e($0.dueOn?.description ?? ""),
                    e($0.status.rawValue) + ($0.overdue ? " (overdue)" : ""),
                ]
            })
    }

    private func processMap() -> String {
        table(["Activity", "Side", "Responsible"], document.processMap.steps.map { [e($0.activity), e($0.side.rawValue), e($0.responsible)] })
    }

    private func reviews() -> String {
        table(
            ["Held on", "Decisions", "Next review"],
            document.reviews.map {
                [
                    e($0.heldOn.description) + comments(on: $0.id), e($0.decisions.joined(separator: "; ")),
                    e($0.nextReviewOn?.description ?? ""),
                ]
            })
    }

    private func sellerSections(_ internals: SellerPlanInternals) -> [String] {
        let portfolio = internals.portfolio
        var summary = [
            ["Objective", e(portfolio.objective?.rawValue ?? "not set")], ["Status", e(portfolio.status.rawValue)],
            ["Quadrant and priority", e(portfolio.quadrant.map { "\($0.rawValue), priority \(portfolio.priority ?? 0)" } ?? "not assessed")],
        ]
        if let notes = document.account.internalNotes, !notes.isEmpty { summary.append(["Internal notes", e(notes)]) }
        var sections = [section("Internal: the account", table(["", ""], summary))]
        if let health = internals.health {
            sections.append(
                section(
                    "Internal: health \(Int(health.report.score.rounded())) (\(health.report.band.rawValue))",
                    health.chart.svg() + "<ul>" + health.report.reasons.map { "<li>\(e($0))</li>" }.joined() + "</ul>"))
        }
        if !internals.relationshipMap.contacts.isEmpty {
            sections.append(
                section("Internal: relationship map", OrgChart(map: internals.relationshipMap, accountName: document.account.name).svg()))
        }
        return sections
    }
}
