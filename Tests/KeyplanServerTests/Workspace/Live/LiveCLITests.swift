import Foundation
import KeyplanAPI
import Testing

@testable import KeyplanServer

extension CLITests {
    /// `keyplan watch`, `history`, `activity` and `notifications` through the built binary.
    @Test func watchHistoryActivityAndNotifications() async throws {
        try await withCLIServer { server, folder in
            let (tenant, admin) = try await server.bootstrapTenant(slug: "acme")
            _ = try await json(
                LoginResult.self, ["login", "--server", "127.0.0.1:\(server.port)", "--tenant", "acme", "--email", "admin@acme.example"],
                input: "admin-password\n")
            let account = try await server.client(admin.token).createAccount(CreateAccountRequest(name: "Acme Buyer"))
            let actor = Principal(
                userID: admin.identity.userID, tenantID: tenant, kind: .seller(.admin), credentialID: UUID(), credentialKind: .session)
            let record = UUID()
            func change(_ summary: String) async throws -> Int64 {
                try await server.inTenant(tenant) {
                    try await WorkspaceJournal(transaction: $0).record(
                        JournalEntry(
                            accountID: account.id, entity: .goal, entityID: record, operation: .updated, version: 2, visibility: .shared,
                            summary: summary, fields: [FieldChange(field: "title", before: "a", after: summary)]), by: actor)
                }
            }
            let first = try await change("Goal “Grow EMEA” updated")

            // Replay: one change, as a JSON line, then the command ends by itself.
            let replayed = try await keyplan(["watch", "--account", "Acme", "--after", "0", "--count", "1", "--json"])
            #expect(replayed.status == 0, "\(replayed.errors)")
            let decoder = JSONDecoder()
            decoder.dateDecodingStrategy = .iso8601
            let lines = replayed.output.split(separator: "\n")
            #expect(lines.count == 1)
            #expect(try decoder.decode(WorkspaceChange.self, from: Data(try #require(lines.first).utf8)).id == first)

            // Live: the change is made while the command waits (resuming after the first, so no race).
            async let live = keyplan(["watch", "--account", account.id.uuidString, "--after", String(first), "--count", "1"])
            try await Task.sleep(for: .milliseconds(500))
            let second = try await change("Goal “Grow EMEA” renamed")
            let watched = try await live
            #expect(
                watched.status == 0 && watched.output.hasSuffix("#\(second)\n")
                    && watched.output.contains("Admin <admin@acme.example>, seller  Goal “Grow EMEA” renamed: Title: a → Goal “Grow EMEA” renamed"),
                "\(watched.output)")

            let history = try await json(ChangeList.self, ["history", "--account", account.id.uuidString, "--record", record.uuidString])
            #expect(history.changes.map(\.id) == [first, second])
            let text = try await keyplan(["history", "--account", account.id.uuidString, "--record", record.uuidString])
            #expect(text.output.contains("    Title: a → Goal “Grow EMEA” renamed"), "\(text.output)")

            let activity = try await json(ActivityPage.self, ["activity", "--account", account.id.uuidString, "--limit", "1"])
            #expect(activity.changes.map(\.id) == [second] && activity.nextBefore == second && activity.engagement?.last30Days.customerViews == 0)
            let activityText = try await keyplan(["activity", "--account", account.id.uuidString])
            #expect(activityText.output.contains("last 30 days: 0 customer edits") && activityText.output.contains("last customer activity: never"))

            try await server.inTenant(tenant) { connection in
                try await NotificationOutbox(transaction: connection).enqueue(
                    .mention, to: [admin.identity.userID], tenantID: tenant, accountID: account.id, subjectID: record, message: "you were mentioned")
            }
            let listed = try await json(NotificationPage.self, ["notifications", "list", "--unacknowledged"])
            let notification = try #require(listed.notifications.first)
            #expect(listed.notifications.count == 1 && notification.message == "you were mentioned")
            let claimed = try await json(ClaimedNotifications.self, ["notifications", "claim", "--limit", "10", "--lease", "60"])
            #expect(claimed.notifications.map(\.recipientEmail) == ["admin@acme.example"])
            #expect(try await json(NotificationCount.self, ["notifications", "confirm", notification.id.uuidString]).changed == 1)
            #expect(try await json(NotificationCount.self, ["notifications", "ack", notification.id.short]).changed == 1)
            #expect(try await json(NotificationPage.self, ["notifications", "list", "--unacknowledged"]).notifications.isEmpty)
            let refused = try await failure(["notifications", "ack", UUID().uuidString])
            #expect(refused.code == "NOT_FOUND" && refused.message.contains("no unread notification matches"), "\(refused)")
            let badCount = try await keyplan(["watch", "--account", account.id.uuidString, "--count", "0"])
            #expect(badCount.status != 0 && badCount.errors.contains("--count"))
        }
    }
}
