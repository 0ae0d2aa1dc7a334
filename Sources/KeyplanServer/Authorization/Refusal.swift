import KeyplanAPI
import KeyplanRPC

/// A refused call in the caller's words: who may do what they tried ("only an admin can list
/// users", "only the account team can see the relationship map"), and what to do about it where
/// there is something to do. The status code stays PERMISSION_DENIED for programs.
enum Refusal {
    /// A tenant-role rule refused `principal`.
    static func tenantRoles(_ roles: Set<TenantRole>, purpose: String, principal: Principal) -> RPCError {
        let message: String
        if principal.tenantRole == nil, Set(TenantRole.allCases).isSubset(of: roles) {
            message = "only the selling team can \(purpose): it is not shared with customers"
        } else {
            message = "only \(words(roles)) can \(purpose)"
        }
        return RPCError(code: .permissionDenied, message: message)
    }

    /// An account rule refused `principal`, who may see the account (else it is NOT_FOUND).
    static func account(_ access: AccountAccess, purpose: String, principal: Principal) -> RPCError {
        let customer = principal.tenantRole == nil
        let message: String
        switch (access, customer) {
        case (.respond, _):
            message = "only the customer's invited people can \(purpose)"
        case (.collaborate, true):
            message =
                "you were invited to view this account: only the customer's editors and the account team can \(purpose); ask the account team to make you an editor"
        case (.readInternal, true), (.edit, true), (.manage, true):
            message = "only the account team can \(purpose)"
        case (.manage, false):
            message = "only the account's owners and admins can \(purpose)"
        case (.read, _), (.readInternal, false), (.collaborate, false), (.edit, false):
            message = "only the account team and admins can \(purpose): ask an owner of the account to add you to its team"
        }
        return RPCError(code: .permissionDenied, message: message)
    }

    /// "an admin", "an admin or a leader", "an admin, a leader or marketing".
    static func words(_ roles: Set<TenantRole>) -> String {
        let names = TenantRole.allCases.filter(roles.contains).map { role in
            switch role {
            case .admin: "an admin"
            case .leader: "a leader"
            case .seller: "a seller"
            case .marketing: "marketing"
            }
        }
        guard names.count > 1 else { return names.first ?? "nobody" }
        return names.dropLast().joined(separator: ", ") + " or " + names[names.count - 1]
    }
}
