import Foundation
import KeyplanLocalDatabase
import KeyplanPostgres
import Testing

@Suite("Configuration and bad connection input")
struct PostgresConfigurationTests {
    @Test func parsesURLsAndKeyValueStrings() throws {
        let url = try PostgresConfiguration(connectionString: "postgres://app:s3cret@db.example:6543/keyplan?sslmode=disable")
        #expect(url.connectionParameters["host"] == "db.example")
        #expect(url.connectionParameters["port"] == "6543")
        #expect(url.connectionParameters["dbname"] == "keyplan")
        #expect(url.connectionParameters["user"] == "app")
        #expect(url.connectionParameters["sslmode"] == "disable")
        #expect(!url.endpointDescription.contains("s3cret"))

        let keyValue = try PostgresConfiguration(connectionString: "host=/tmp port=5433 dbname='my db' user=owner")
        #expect(keyValue.connectionParameters["dbname"] == "my db")
        #expect(keyValue.connectionParameters["port"] == "5433")
    }

    @Test(arguments: [
        "postgres://user@host:notaport/db",
        "postgres://host/db?nonsense=1",
        "host=localhost port",
        "postgres://[::1/db",
    ])
    func malformedConnectionStringGivesOneLineError(_ input: String) {
        do {
            _ = try PostgresConfiguration(connectionString: input)
            Issue.record("accepted \(input)")
        } catch let error as PostgresError {
            #expect(error.kind == .invalidConfiguration)
            #expect(!"\(error)".contains("\n"))
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    /// libpq quotes what it refused; the error must not carry the password on to a log or a terminal.
    @Test(arguments: [
        ("postgres://owner:s3cret@[::1/db", "s3cret"),
        ("postgres://owner:pa%ZZss@localhost/db", "pa%ZZss"),
        ("postgresql://owner:s3cret@localhost/db?password=other%ZZ", "other%ZZ"),
    ])
    func aRefusedConnectionStringsErrorHoldsNoPassword(_ input: String, _ password: String) {
        do {
            _ = try PostgresConfiguration(connectionString: input)
            Issue.record("accepted \(input)")
        } catch let error as PostgresError {
            #expect(error.kind == .invalidConfiguration)
            #expect(!"\(error)".contains(password), "\(error)")
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    @Test func unreachableServerGivesOneLineErrorQuickly() async throws {
        // Long connect and lease timeouts: a refused connection must fail on the refusal, not on
        // either timer (which a loaded machine could otherwise reach first).
        var session = PostgresConfiguration.Session.defaults
        session.connectTimeout = .seconds(60)
        var pool = PostgresConfiguration.Pool.defaults
        pool.leaseTimeout = .seconds(60)
        let configuration = try PostgresConfiguration(
            connectionString: "postgres://keyplan_app:x@127.0.0.1:1/keyplan", pool: pool, session: session)
        let start = ContinuousClock.now
        let error = await expectPostgresError {
            try await PostgresClient.withClient(configuration: configuration) { try await $0.query("SELECT 1") }
        }
        #expect(error?.kind == .connectionFailed)
        #expect(error.map { "\($0)".contains("\n") } == false)
        #expect(error?.message.contains("127.0.0.1") == true)
        #expect(ContinuousClock.now - start < .seconds(20))
    }

    @Test func wrongPasswordGivesOneLineErrorWithoutThePassword() async throws {
        try await withTestDatabase { database in
            let wrong = database.appURL.replacingOccurrences(
                of: #"://keyplan_app:[0-9a-f]+@"#, with: "://keyplan_app:not-the-password@", options: .regularExpression
            )
            let configuration = try PostgresConfiguration(connectionString: wrong)
            let error = await expectPostgresError {
                try await PostgresClient.withClient(configuration: configuration) { try await $0.query("SELECT 1") }
            }
            #expect(error?.kind == .connectionFailed)
            #expect(error?.message.contains("password authentication failed") == true)
            #expect(error.map { "\($0)".contains("not-the-password") } == false)
            #expect(error.map { "\($0)".contains("\n") } == false)
        }
    }
}
