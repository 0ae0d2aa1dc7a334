import ArgumentParser
import Foundation
import KeyplanAPI

/// `--account`: the account a command is about — its name, an unambiguous prefix of its name or
/// id, or its id. Someone who can see exactly one account (a customer, typically) may leave it out.
struct AccountOption: ParsableArguments {
    @Option(
        name: .customLong("account"),
        help: ArgumentHelp(
            "The account: its name, a unique prefix of its name or id, or its id. Optional when you can see only one.", valueName: "name"))
    var name: String?

    /// The account's id: a full id as given (no lookup), else the account named.
    func id(_ client: KeyplanClient) async throws -> UUID {
        if let name, let id = UUID(uuidString: name) { return id }
        return try await resolve(client).id
    }

    /// The account named, or the only one the caller can see.
    func resolve(_ client: KeyplanClient) async throws -> AccountView {
        let accounts = try await client.listAccounts()
        guard let name else {
            guard accounts.count == 1 else {
                throw CLIError(
                    accounts.isEmpty
                        ? "you cannot see any account yet"
                        : "you can see \(accounts.count) accounts: name one with --account (\(Reference<AccountView>.list(accounts.map(\.name))))",
                    code: "INVALID_ARGUMENT")
            }
            return accounts[0]
        }
        return try Self.reference(accounts).resolve(name)
    }

    static func reference(_ accounts: [AccountView]) -> Reference<AccountView> {
        Reference.named("account", accounts, name: \.name, id: \.id)
    }
}
