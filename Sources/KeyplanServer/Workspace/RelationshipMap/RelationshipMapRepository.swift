import Foundation
import KeyplanAPI
import KeyplanPostgres

/// The relationship maps of the transaction's tenant: contacts with their place in the decision
/// (`contacts`) and who of our team knows whom (`contact_relationships`). Seller-internal:
/// nothing read here ever goes into a customer's view.
struct RelationshipMapRepository {
    let transaction: TenantTransaction

    /// Contacts `c` with who changed each last (`b`: `updatedBy`).
    static let contactSelect: PostgresQuery = """
        SELECT c.id, c.account_id, c.full_name, c.email, c.title, c.department, c.reports_to, c.decision_role, c.influence, c.attitude,
               c.concerns, c.external_id, c.version, c.updated_at, \(WorkspaceChange.Actor.columns(of: "b", as: "updated_by"))
        FROM c LEFT JOIN users b ON b.id = c.updated_by
        """

    /// Relationships `r` with their team member (`u`) and who changed each last (`b`).
    static let relationshipSelect: PostgresQuery = """
        SELECT r.account_id, r.contact_id, r.user_id, u.display_name, r.strength, r.note, r.version, r.updated_at,
               \(WorkspaceChange.Actor.columns(of: "b", as: "updated_by"))
        FROM r JOIN users u ON u.id = r.user_id LEFT JOIN users b ON b.id = r.updated_by
        """

    // MARK: Contacts

    /// An account's contacts by name.
    func contacts(of accountID: UUID) async throws -> [Contact] {
        try await transaction.query(
            """
            WITH c AS (SELECT * FROM contacts WHERE account_id = \(accountID)) \(Self.contactSelect) ORDER BY c.full_name, c.id
            """
        ).map(Self.contact)
    }

    /// A contact of the account, locked for update when `locking`; `nil` when the account has no such contact.
    func contact(_ id: UUID, of accountID: UUID, locking: Bool = false) async throws -> Contact? {
        let lock: PostgresQuery = locking ? "FOR UPDATE" : ""
        return try await transaction.query(
            """
            WITH c AS (SELECT * FROM contacts WHERE id = \(id) AND account_id = \(accountID) \(lock)) \(Self.contactSelect)
            """
        ).first.map(Self.contact)
    }

    func insert(tenantID: UUID, _ contact: Contact, by author: UUID) async throws -> Contact {
        try await transaction.query(
            """
            WITH c AS (
                INSERT INTO contacts (tenant_id, id, account_id, full_name, email, title, department, reports_to, decision_role,
                                      influence, attitude, concerns, updated_by)
                VALUES (\(tenantID), \(contact.id), \(contact.accountID), \(contact.fullName), \(contact.email), \(contact.title),
                        \(contact.department), \(contact.reportsTo), \(contact.decisionRole?.rawValue), \(contact.influence?.rawValue),
                        \(contact.attitude?.rawValue), \(contact.concerns), \(author))
                RETURNING *
            )
            \(Self.contactSelect)
            """
        ).map(Self.contact)[0]
    }

    /// Writes every editable field of `contact` and raises its version by one.
    func update(_ contact: Contact, by author: UUID) async throws -> Contact {
        try await transaction.query(
            """
            WITH c AS (
                UPDATE contacts AS c SET full_name = \(contact.fullName), email = \(contact.email), title = \(contact.title),
                    department = \(contact.department), reports_to = \(contact.reportsTo), decision_role = \(contact.decisionRole?.rawValue),
                    influence = \(contact.influence?.rawValue), attitude = \(contact.attitude?.rawValue), concerns = \(contact.concerns),
                    version = c.version + 1, updated_by = \(author), updated_at = now()
                WHERE c.id = \(contact.id)
                RETURNING c.*
            )
            \(Self.contactSelect)
            """
        ).map(Self.contact)[0]
    }

    /// Makes the direct reports of `managerID` report to nobody (raising their versions); answers them as they are now.
    func detachReports(of managerID: UUID, by author: UUID) async throws -> [Contact] {
        try await transaction.query(
            """
            WITH c AS (
                UPDATE contacts AS c SET reports_to = NULL, version = c.version + 1, updated_by = \(author), updated_at = now()
                WHERE c.reports_to = \(managerID)
                RETURNING c.*
            )
            \(Self.contactSelect)
            """
        ).map(Self.contact).sorted(by: OrgChart.byName)
    }

    /// Deletes a contact; its relationships go with it (the foreign key cascades).
    func delete(_ id: UUID) async throws {
        try await transaction.query("DELETE FROM contacts WHERE id = \(id)")
    }

    /// Serializes changes to an account's reports-to lines until the transaction ends, so that two
    /// concurrent changes cannot each pass the cycle check and together close a cycle.
    func lockReportingLines(of accountID: UUID) async throws {
        try await transaction.query("SELECT pg_advisory_xact_lock(hashtextextended('keyplan.reports_to/' || \(accountID)::text, 0))")
    }

    /// The chain of managers above `contactID`, nearest first (stops at a repeat, so a damaged
    /// chain cannot loop).
    func managers(above contactID: UUID) async throws -> [UUID] {
        try await transaction.query(
            """
            WITH RECURSIVE chain (id, depth, path) AS (
                SELECT c.reports_to, 1, ARRAY[c.id] FROM contacts c WHERE c.id = \(contactID) AND c.reports_to IS NOT NULL
                UNION ALL
                SELECT c.reports_to, chain.depth + 1, chain.path || c.id
                FROM chain JOIN contacts c ON c.id = chain.id
                WHERE c.reports_to IS NOT NULL AND NOT c.id = ANY(chain.path)
            )
            SELECT id FROM chain ORDER BY depth
            """
        ).map { try $0.decode(UUID.self, column: "id") }
    }

    static func contact(_ row: PostgresRow) throws -> Contact {
        Contact(
            id: try row.decode(UUID.self, column: "id"),
            accountID: try row.decode(UUID.self, column: "account_id"),
            fullName: try row.decode(String.self, column: "full_name"),
            email: try row.decode(String?.self, column: "email"),
            title: try row.decode(String.self, column: "title"),
            department: try row.decode(String.self, column: "department"),
            reportsTo: try row.decode(UUID?.self, column: "reports_to"),
            decisionRole: try optionalEnum(DecisionRole.self, row, "decision_role"),
            influence: try optionalEnum(Influence.self, row, "influence"),
            attitude: try optionalEnum(Attitude.self, row, "attitude"),
            concerns: try row.decode(String.self, column: "concerns"),
            externalID: try row.decode(String?.self, column: "external_id"),
            version: try row.decode(Int.self, column: "version"),
            updatedAt: try row.decode(Date.self, column: "updated_at"),
            updatedBy: try WorkspaceChange.Actor.optional(row, prefix: "updated_by"))
    }

    // MARK: Relationships

    /// An account's relationships, by contact and then team member's name.
    func relationships(of accountID: UUID) async throws -> [Relationship] {
        try await transaction.query(
            """
            WITH r AS (SELECT * FROM contact_relationships WHERE account_id = \(accountID))
            \(Self.relationshipSelect) ORDER BY r.contact_id, u.display_name, r.user_id
            """
        ).map(Self.relationship)
    }

    /// The relationships with one contact.
    func relationships(with contactID: UUID) async throws -> [Relationship] {
        try await transaction.query(
            """
            WITH r AS (SELECT * FROM contact_relationships WHERE contact_id = \(contactID))
            \(Self.relationshipSelect) ORDER BY u.display_name, r.user_id
            """
        ).map(Self.relationship)
    }

    /// How well `userID` knows a contact of the account, locked for update; `nil` when not recorded.
    func relationship(of userID: UUID, with contactID: UUID, in accountID: UUID) async throws -> Relationship? {
        try await transaction.query(
            """
            WITH r AS (
                SELECT * FROM contact_relationships WHERE contact_id = \(contactID) AND user_id = \(userID) AND account_id = \(accountID) FOR UPDATE
            )
            \(Self.relationshipSelect)
            """
        ).first.map(Self.relationship)
    }

    /// Records a new relationship; `nil` when one was recorded meanwhile.
    func insert(tenantID: UUID, _ relationship: Relationship, by author: UUID) async throws -> Relationship? {
        try await transaction.query(
            """
            WITH r AS (
                INSERT INTO contact_relationships (tenant_id, account_id, contact_id, user_id, strength, note, updated_by)
                VALUES (\(tenantID), \(relationship.accountID), \(relationship.contactID), \(relationship.userID),
                        \(relationship.strength.rawValue), \(relationship.note), \(author))
                ON CONFLICT (tenant_id, contact_id, user_id) DO NOTHING
                RETURNING *
            )
            \(Self.relationshipSelect)
            """
        ).first.map(Self.relationship)
    }

    /// Sets strength and note, raising the version by one.
    func update(_ relationship: Relationship, by author: UUID) async throws -> Relationship {
        try await transaction.query(
            """
            WITH r AS (
                UPDATE contact_relationships AS r SET strength = \(relationship.strength.rawValue), note = \(relationship.note),
                    version = r.version + 1, updated_by = \(author), updated_at = now()
                WHERE r.contact_id = \(relationship.contactID) AND r.user_id = \(relationship.userID)
                RETURNING r.*
            )
            \(Self.relationshipSelect)
            """
        ).map(Self.relationship)[0]
    }

    func delete(_ relationship: Relationship) async throws {
        try await transaction.query(
            """
            DELETE FROM contact_relationships WHERE contact_id = \(relationship.contactID) AND user_id = \(relationship.userID)
            """)
    }

    static func relationship(_ row: PostgresRow) throws -> Relationship {
        Relationship(
            accountID: try row.decode(UUID.self, column: "account_id"),
            contactID: try row.decode(UUID.self, column: "contact_id"),
            userID: try row.decode(UUID.self, column: "user_id"),
            userName: try row.decode(String.self, column: "display_name"),
            strength: try decodeEnum(RelationshipStrength.self, row, "strength"),
            note: try row.decode(String.self, column: "note"),
            version: try row.decode(Int.self, column: "version"),
            updatedAt: try row.decode(Date.self, column: "updated_at"),
            updatedBy: try WorkspaceChange.Actor.optional(row, prefix: "updated_by"))
    }

    private static func optionalEnum<Value: RawRepresentable<String>>(_ type: Value.Type, _ row: PostgresRow, _ column: String) throws -> Value? {
        guard let text = try row.decode(String?.self, column: column) else { return nil }
        guard let value = Value(rawValue: text) else {
            throw PostgresError(kind: .decoding, message: "column \"\(column)\" holds unknown value \(text)", column: column)
        }
        return value
    }
}
