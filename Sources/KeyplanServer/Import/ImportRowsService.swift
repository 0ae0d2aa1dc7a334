import Foundation
import KeyplanAPI
import KeyplanRPC

/// `keyplan.Import`: a CRM file streamed in chunks; each chunk's rows go in one transaction, as
/// one set-based statement (``CRMImporter``).
struct ImportRowsService: SecuredService {
    let environment: ServiceEnvironment

    func register(with routes: inout SecuredRoutes) {
        routes.tenantUpload(ImportService.importRows) { chunks, call in
            let caller = call.principal
            var importer: CRMImporter?
            var report = ImportReport()
            var rows = 0
            var reportingLines: [ImportedReportingLines.Line] = []
            func record(_ rows: [ImportChunk.Row], _ outcomes: [CRMImporter.Outcome], _ importer: CRMImporter) {
                for (row, outcome) in zip(rows, outcomes) {
                    switch outcome {
                    case .inserted: report.inserted += 1
                    case .updated: report.updated += 1
                    case .rejected(let rejection): report.rejected.append(rejection)
                    }
                    if outcome.isImported, let line = importer.reportingLine(of: row) { reportingLines.append(line) }
                }
            }
            // A chunk is checked while the one before it is written (one write at a time, in order:
            // a later row may update what an earlier one wrote).
            try await withThrowingTaskGroup(of: (rows: [ImportChunk.Row], outcomes: [CRMImporter.Outcome]).self) { writes in
                var writing = false
                for try await chunk in chunks {
                    if importer == nil {
                        guard let kind = chunk.kind, let header = chunk.header else {
                            throw RPCError(code: .invalidArgument, message: "the first chunk must name the kind and carry the header")
                        }
                        importer = CRMImporter(
                            tenantID: caller.tenantID, columns: try ImportColumns(kind: kind, header: header, mapping: chunk.mapping),
                            mayReassignOwners: caller.isAdmin)
                    } else if chunk.kind != nil || chunk.header != nil || chunk.mapping != nil {
                        throw RPCError(code: .invalidArgument, message: "only the first chunk names the kind, the header and the mapping")
                    }
                    guard let importer else { break }
                    guard chunk.rows.count <= ImportService.maximumChunkRows else {
                        throw RPCError(code: .invalidArgument, message: "a chunk holds at most \(ImportService.maximumChunkRows) rows")
                    }
                    rows += chunk.rows.count
                    guard rows <= ImportService.maximumRows else {
                        throw RPCError(code: .resourceExhausted, message: "an import holds at most \(ImportService.maximumRows) rows; split the file")
                    }
                    let checked = importer.check(chunk.rows)
                    if writing, let written = try await writes.next() { record(written.rows, written.outcomes, importer) }
                    let database = environment.database
                    writes.addTask { (checked.rows, try await importer.write(checked, into: database)) }
                    writing = true
                }
                if writing, let importer, let written = try await writes.next() { record(written.rows, written.outcomes, importer) }
            }
            guard let importer else { throw RPCError(code: .invalidArgument, message: "the import sent nothing") }
            if !reportingLines.isEmpty {
                let lines = ImportedReportingLines(column: importer.columns.columnName(.reportsTo), actor: caller.userID)
                report.rejected += try await environment.database.inTenant(caller.tenantID) { try await lines.apply(reportingLines, on: $0) }
                report.rejected.sort { $0.line < $1.line }
            }
            return report
        }
    }
}
