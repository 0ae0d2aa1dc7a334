/// A message that carries a secret shown only once — a new API key, a generated password, a webhook's
/// signing secret, an invitation token handed over. Wherever such a message is kept (an idempotency key's
/// stored answer, a request's digest), it is kept ``withoutSecret``, so the secret exists in one place only:
/// hashed in its own table, or with the client that received it.
///
/// A write retried under its idempotency key therefore answers the first attempt's record with the secret
/// field empty: the record exists (nothing is done twice), but a client that lost the first answer must
/// revoke what it made and make it anew — the secret cannot be shown again.
public protocol CarriesSecret {
    /// The same message with its secret field empty.
    var withoutSecret: Self { get }
}

extension CreatedAPIKey: CarriesSecret {
    public var withoutSecret: Self { with { $0.token = "" } }
}

extension CreatedUser: CarriesSecret {
    public var withoutSecret: Self { with { $0.generatedPassword = $0.generatedPassword.map { _ in "" } } }
}

extension CreatedWebhook: CarriesSecret {
    public var withoutSecret: Self { with { $0.secret = "" } }
}

extension CreatedInvitation: CarriesSecret {
    public var withoutSecret: Self { with { $0.token = "" } }
}

extension CreateUserRequest: CarriesSecret {
    public var withoutSecret: Self { with { $0.password = nil } }
}

extension CarriesSecret {
    fileprivate func with(_ change: (inout Self) -> Void) -> Self {
        var copy = self
        change(&copy)
        return copy
    }
}

/// `value` without its secret, when its type carries one (``CarriesSecret``); `value` itself otherwise.
public func concealingSecret<Value>(_ value: Value) -> Value {
    ((value as? any CarriesSecret)?.withoutSecret as? Value) ?? value
}
