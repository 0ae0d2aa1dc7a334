import Foundation
import KeyplanAPI
import KeyplanRPC

/// `keyplan.Import`: a CRM file streamed in chunks; each chunk's rows go in one transaction,
/// each row in a savepoint of its own.
struct ImportRowsService: SecuredService {
    let environment: ServiceEnvironment

    func register(with routes: inout SecuredRoutes) {
        routes.tenantUpload(ImportService.importRows) { chunks, call in
            let caller = call.principal
            var importer: CRMImporter?
            var report = ImportReport()
            var rows = 0
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
                let outcomes = try await environment.database.inTenant(caller.tenantID) { transaction in
                    var outcomes: [CRMImporter.Outcome] = []
                    for row in chunk.rows { outcomes.append(try await importer.importRow(row, on: transaction)) }
                    return outcomes
                }
                for outcome in outcomes {
                    switch outcome {
                    case .inserted: report.inserted += 1
                    case .updated: report.updated += 1
                    case .rejected(let rejection): report.rejected.append(rejection)
                    }
                }
            }
            guard importer != nil else { throw RPCError(code: .invalidArgument, message: "the import sent nothing") }
            return report
        }
    }
}
