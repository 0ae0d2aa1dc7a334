import Foundation
import KeyplanAPI
import KeyplanLocalDatabase
import KeyplanPostgres
import KeyplanRPC
import Testing

@testable import KeyplanServer

@Suite("Authorization policy")
struct AuthorizationPolicyTests {
    /// Builds the services under `policy` (no connection is ever opened).
    func services(_ policy: AuthorizationPolicy = .keyplan) async throws -> KeyplanServices {
        let configuration = try PostgresConfiguration(connectionString: "postgresql://nobody@127.0.0.1:1/none")
        return try await PostgresClient.withClient(configuration: configuration) { database in
            try KeyplanServices(database: database, policy: policy)
        }
    }

    @Test func theServicesRefuseToStartWithAMethodThePolicyDoesNotCover() async throws {
        var rules = AuthorizationPolicy.keyplan.rules
        rules[AccountsService.get.descriptor] = nil
        await #expect(throws: KeyplanServices.PolicyViolation.self) {
            _ = try await services(AuthorizationPolicy(rules: rules))
        }
    }

    /// A handler registered for a tenant-wide context (its request names no account) cannot be
    /// given an account rule, nor an account-scoped handler a tenant-wide one: the context a
    /// handler receives always matches the check that ran.
    @Test func aRuleMustFitTheContextItsHandlerReceives() async throws {
        var rules = AuthorizationPolicy.keyplan.rules
        rules[AccountsService.list.descriptor] = .account(.read)
        let error = await #expect(throws: KeyplanServices.PolicyViolation.self) {
            _ = try await services(AuthorizationPolicy(rules: rules))
        }
        #expect(
            error?.problems == [
                "keyplan.Accounts/List is registered for a tenant-wide rule but the policy gives it account(KeyplanServer.AccountAccess.read)"
            ])
        rules = AuthorizationPolicy.keyplan.rules
        rules[GoalsService.get.descriptor] = .authenticated
        let other = await #expect(throws: KeyplanServices.PolicyViolation.self) {
            _ = try await services(AuthorizationPolicy(rules: rules))
        }
        #expect(other?.problems.first?.hasPrefix("keyplan.Goals/Get is registered for an account rule") == true)
    }

    @Test func everyRuleNamesARegisteredMethod() async throws {
        let builtIn: Set = [ServerHealth.check.descriptor, Reflection.listMethods.descriptor]
        #expect(Set(try await services().methods).union(builtIn) == Set(AuthorizationPolicy.keyplan.rules.keys))
    }

    @Test func accountAccessLevels() {
        let admin = AccountRelation(tenantRole: .admin)
        let leader = AccountRelation(tenantRole: .leader)
        let offTeam = AccountRelation(tenantRole: .seller)
        let member = AccountRelation(tenantRole: .seller, team: .member)
        let editor = AccountRelation(customer: .customerEditor)
        let stranger = AccountRelation()
        #expect(AccountAccess.allCases.filter { $0 != .respond }.allSatisfy(admin.allows))
        // Only the customer's people answer as the customer.
        #expect(!admin.allows(.respond) && !member.allows(.respond))
        #expect(editor.allows(.respond) && AccountRelation(customer: .customerViewer).allows(.respond))
        #expect(leader.allows(.read) && !leader.allows(.edit))
        #expect(!offTeam.isInScope && !offTeam.allows(.read))
        #expect(member.allows(.edit) && !member.allows(.manage))
        #expect(editor.allows(.collaborate) && !editor.allows(.edit))
        #expect(!stranger.isInScope)
        // Seller-internal data: the sellers in scope, never a customer, not even an editor.
        #expect(leader.allows(.readInternal) && member.allows(.readInternal) && AccountRelation(tenantRole: .marketing).allows(.readInternal))
        #expect(!editor.allows(.readInternal) && !AccountRelation(customer: .customerViewer).allows(.readInternal) && !offTeam.allows(.readInternal))
    }
}

@Suite("Passwords and tokens")
struct CredentialPrimitiveTests {
    @Test func failuresCountPerIPv4AddressAndPerIPv6Network() {
        #expect(SignInThrottle.network(of: "203.0.113.7") == "203.0.113.7")
        #expect(SignInThrottle.network(of: "2001:db8:1:2:aaaa::1") == "2001:db8:1:2::/64")
        #expect(SignInThrottle.network(of: "2001:db8:1:2:ffff:ffff:ffff:fffe") == "2001:db8:1:2::/64")
        #expect(SignInThrottle.network(of: "2001:db8:1:3::1") == "2001:db8:1:3::/64")
        #expect(SignInThrottle.network(of: "::ffff:198.51.100.4") == "198.51.100.4")
        #expect(SignInThrottle.network(of: "not:an address") == "not:an address")
    }

    let hasher = PasswordHasher(parameters: .insecureForTesting)

    @Test func aHashVerifiesItsPasswordOnly() async throws {
        let stored = try await hasher.hash("correct horse")
        #expect(stored.hasPrefix("$scrypt$ln=4,r=8,p=1$"))
        #expect(try await hasher.verify("correct horse", against: stored))
        #expect(try await !hasher.verify("correct horsE", against: stored))
        #expect(try await hasher.hash("correct horse") != stored, "a fresh salt each time")
    }

    @Test func storedParametersWinOverConfiguredOnes() async throws {
        let stronger = try await PasswordHasher(parameters: PasswordHasher.Parameters(logRounds: 6, blockSize: 8, parallelism: 1)).hash("pw-12345678")
        #expect(try await hasher.verify("pw-12345678", against: stronger))
    }

    @Test func malformedStoredHashesNeverMatch() async throws {
        let stored = try await hasher.hash("pw-12345678")
        for bad in ["", "$scrypt$", stored.replacingOccurrences(of: "ln=4", with: "ln=99"), "$bcrypt$ln=4,r=8,p=1$AA==$AA==", stored + "$x"] {
            #expect(try await !hasher.verify("pw-12345678", against: bad), "\(bad)")
        }
    }

    @Test func tokensAreRandomPrefixedAndHashed() {
        let a = SecretToken.generate(.session), b = SecretToken.generate(.session)
        #expect(a != b)
        #expect(a.text.hasPrefix("kps_") && a.text.count == 4 + 43)
        #expect(a.hash.count == 32 && a.hash == SecretToken.hash(of: a.text))
    }

    @Test func constantTimeComparison() {
        #expect(constantTimeEquals([1, 2, 3], [1, 2, 3]))
        #expect(!constantTimeEquals([1, 2, 3], [1, 2, 4]))
        #expect(!constantTimeEquals([1, 2], [1, 2, 3]))
    }
}
