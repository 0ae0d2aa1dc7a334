public import struct Foundation.UUID

/// A seller's role in their tenant.
public enum TenantRole: String, Codable, Hashable, Sendable, CaseIterable {
    /// Manages the tenant: its users, its templates, the audit log.
    case admin
    /// Sees every account of the tenant and coaches.
    case leader
    /// Works the accounts whose team they are on.
    case seller
    /// Reads account plans to run account-based programs.
    case marketing
}

/// A customer's role in one account workspace they were invited into.
public enum CustomerRole: String, Codable, Hashable, Sendable, CaseIterable {
    /// Co-edits goals, scores the vendor, updates shared actions.
    case customerEditor = "customer_editor"
    /// Reads what is shared.
    case customerViewer = "customer_viewer"
}

/// A seller's place on an account's team.
public enum TeamRole: String, Codable, Hashable, Sendable, CaseIterable {
    case owner
    case member
}

/// Whether a user sells (belongs to the tenant) or buys (entered through invitations).
public enum UserKind: String, Codable, Hashable, Sendable, CaseIterable {
    case seller
    case customer
}

/// What a credential is.
public enum CredentialKind: String, Codable, Hashable, Sendable, CaseIterable {
    /// From signing in or accepting an invitation; its expiry slides with use.
    case session
    /// For automation and the CLI; acts with a chosen role at most its owner's.
    case apiKey = "api_key"
}

/// A request about one account workspace: the authorization policy checks the caller's access
/// to `accountID` before the handler runs.
public protocol AccountScoped: Sendable {
    var accountID: UUID { get }
}
