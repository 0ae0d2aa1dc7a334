import Foundation
import KeyplanAPI
import KeyplanPostgres

extension WorkspaceChange.Actor {
    /// A person read from the columns `<prefix>_id`, `<prefix>_kind` and `<prefix>_name` (a
    /// user's id, `users.kind` and display name).
    init(_ row: PostgresRow, prefix: String) throws {
        let kind = try row.decode(String.self, column: "\(prefix)_kind")
        guard let userKind = UserKind(rawValue: kind) else {
            throw PostgresError(kind: .decoding, message: "unexpected user kind \(kind)", column: "\(prefix)_kind")
        }
        self.init(userID: try row.decode(UUID.self, column: "\(prefix)_id"), kind: userKind, displayName: try row.decode(String.self, column: "\(prefix)_name"))
    }
}
