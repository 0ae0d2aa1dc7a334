public import Foundation
import KeyplanAPI
public import KeyplanPostgres
import KeyplanRPC

/// Creates a tenant and its first admin, beside the database (`keyplan-server tenant create`).
public struct TenantBootstrap: Sendable {
    /// What was created; a generated password is shown once and stored only hashed.
    public struct Result: Sendable, Codable {
        public var tenantID: UUID
        public var slug: String
        public var adminUserID: UUID
        public var adminEmail: String
        /// The generated password; `nil` when the caller chose one (it is not echoed back).
        public var adminPassword: String?
    }

    public enum Failure: Error, CustomStringConvertible {
        case invalid(String)
        case slugTaken(String)

        public var description: String {
            switch self {
            case .invalid(let message): message
            case .slugTaken(let slug): "a tenant with slug \"\(slug)\" already exists"
            }
        }
    }

    let database: PostgresClient
    let hasher: PasswordHasher

    public init(database: PostgresClient, passwords: PasswordHasher.Parameters = .defaults) {
        self.database = database
        self.hasher = PasswordHasher(parameters: passwords)
    }

    /// Creates the tenant and its admin; a password is generated unless given.
    public func create(name: String, slug: String, adminEmail: String, adminName: String, adminPassword: String? = nil) async throws -> Result {
        guard slug.wholeMatch(of: /[a-z0-9][a-z0-9-]{0,62}/) != nil else {
            throw Failure.invalid("the slug must be lower-case letters, digits and dashes, starting with a letter or digit, at most 63 characters")
        }
        let email: String, displayName: String, tenantName: String, password: String
        do {
            email = try Validate.email(adminEmail)
            displayName = try Validate.name(adminName, field: "admin name")
            tenantName = try Validate.name(name, field: "tenant name")
            password = try Validate.newPassword(adminPassword ?? SecretToken.randomPassword())
        } catch let error as RPCError {
            throw Failure.invalid(error.message)
        }
        let hash = try await hasher.hash(password)
        let tenantID = UUID()
        do {
            let user = try await database.inTenant(tenantID) { transaction in
                try await transaction.query("INSERT INTO tenants (id, name, slug) VALUES (\(tenantID), \(tenantName), \(slug))")
                return try await UserRepository(transaction: transaction).insert(
                    tenantID: tenantID, email: email, displayName: displayName, kind: .seller, role: .admin, passwordHash: hash)
            }
            return Result(
                tenantID: tenantID, slug: slug, adminUserID: user.id, adminEmail: email, adminPassword: adminPassword == nil ? password : nil)
        } catch let error as PostgresError where error.kind == .uniqueViolation {
            throw Failure.slugTaken(slug)
        }
    }
}
