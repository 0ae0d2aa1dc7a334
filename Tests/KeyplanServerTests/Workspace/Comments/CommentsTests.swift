import Foundation
import KeyplanAPI
import KeyplanPostgres
import KeyplanRPC
import Testing

@testable import KeyplanServer

@Suite("Comments")
struct CommentsTests {
    @Test func aCustomerNeverSeesInternalCommentsAndMentionsNotify() async throws {
        try await IdentityTestServer.with { server in
            let world = try await TwoTenantWorld.build(server)
            let account = world.accountA
            let goal = try await world.freshGoal()
            let subject = CommentSubject(.goal, goal.id)
            let seller = try await world.client(for: .sellerOnTeam)
            let editor = try await world.client(for: .customerEditor)
            let viewer = try await world.client(for: .customerViewer)
            let editorID = try #require(world.users[.customerEditor]).user
            let memberID = try #require(world.users[.teamMember]).user
            let leaderID = try #require(world.users[.leader]).user
            let sellerID = try #require(world.users[.sellerOnTeam]).user

            let internalNote = try await seller.addComment(
                AddCommentRequest(
                    accountID: account, subject: subject, body: "Their CFO doubts the numbers", mentions: [memberID, leaderID, memberID, sellerID]))
            #expect(!internalNote.shared && internalNote.mentions.map(\.displayName) == ["seller-member", "leader", "seller-on"])
            let sharedNote = try await seller.addComment(
                AddCommentRequest(
                    accountID: account, subject: subject, body: "We propose quarterly reviews", shared: true, mentions: [editorID]))
            let reply = try await editor.addComment(
                AddCommentRequest(accountID: account, subject: subject, body: "  Agreed, from Q3  ", mentions: [sellerID]))
            #expect(reply.shared && reply.body == "Agreed, from Q3" && reply.author.kind == .customer && reply.author.displayName == "customerEditor")

            // Sellers read all three, oldest first; customers only the shared ones.
            #expect(try await seller.comments(accountID: account, on: subject).map(\.id) == [internalNote.id, sharedNote.id, reply.id])
            #expect(try await world.client(for: .leader).comments(accountID: account, on: subject, limit: 1).map(\.id) == [internalNote.id])
            #expect(try await viewer.comments(accountID: account, on: subject).map(\.id) == [sharedNote.id, reply.id])
            #expect(try await editor.comments(accountID: account, on: subject) == [sharedNote, reply])
            // ...and the history of an internal comment is empty for them.
            #expect(try await viewer.history(accountID: account, entityID: internalNote.id).isEmpty)
            let journaled = try await seller.history(accountID: account, entityID: internalNote.id)
            #expect(journaled.map(\.visibility) == [.internal] && journaled.first?.summary == "Internal comment on goal “Grow EMEA”")
            #expect(journaled.first?.fields.contains(FieldChange(field: "body", before: nil, after: "Their CFO doubts the numbers")) == true)
            #expect(try await viewer.history(accountID: account, entityID: reply.id).map(\.summary) == ["Comment on goal “Grow EMEA”"])

            // Each mentioned user got one notification; nobody is told of their own mention.
            let notified = try await server.inTenant(world.acme) { connection in
                try await connection.query(
                    """
                    SELECT recipient_id, kind, account_id, subject_id, message FROM notifications ORDER BY created_at, message
                    """
                ).map {
                    (
                        try $0.decode(UUID.self, column: "recipient_id"), try $0.decode(String.self, column: "kind"),
                        try $0.decode(UUID.self, column: "account_id"), try $0.decode(UUID.self, column: "subject_id"),
                        try $0.decode(String.self, column: "message")
                    )
                }
            }
            #expect(Set(notified.map(\.0)) == [memberID, leaderID, editorID, sellerID])
            #expect(notified.count == 4 && notified.allSatisfy { $0.1 == "mention" && $0.2 == account && $0.3 == goal.id })
            #expect(notified.first { $0.0 == editorID }?.4 == "seller-on mentioned you on goal “Grow EMEA”: We propose quarterly reviews")
            #expect(notified.first { $0.0 == sellerID }?.4.hasPrefix("customerEditor mentioned you") == true)
        }
    }

    @Test func subjectsAndMentionsAreCheckedWithClearErrors() async throws {
        try await IdentityTestServer.with { server in
            let world = try await TwoTenantWorld.build(server)
            let account = world.accountA
            let goal = try await world.freshGoal()
            let seller = try await world.client(for: .sellerOnTeam)
            let editor = try await world.client(for: .customerEditor)
            let sellerID = try #require(world.users[.sellerOnTeam]).user
            let editorID = try #require(world.users[.customerEditor]).user

            // An internal and a shared action, and a review, written as the action-plan service would.
            let internalAction = UUID(), sharedAction = UUID(), review = UUID()
            try await server.inTenant(world.acme) { connection in
                for (id, title, shared) in [(internalAction, "Pitch the upsell", false), (sharedAction, "Pilot in Spain", true)] {
                    try await connection.query(
                        """
                        INSERT INTO actions (tenant_id, id, account_id, title, shared, created_by, updated_by)
                        VALUES (\(world.acme), \(id), \(account), \(title), \(shared), \(sellerID), \(sellerID))
                        """)
                }
                try await connection.query(
                    """
                    INSERT INTO roadmap_reviews (tenant_id, id, account_id, held_on, created_by, updated_by)
                    VALUES (\(world.acme), \(review), \(account), '2026-10-01', \(sellerID), \(sellerID))
                    """)
            }
            func add(
                _ client: KeyplanClient, _ subject: CommentSubject, shared: Bool? = nil, mentions: [UUID] = [], account: UUID? = nil
            ) async -> RPCError? {
                await rpcError {
                    _ = try await client.addComment(
                        AddCommentRequest(
                            accountID: account ?? world.accountA, subject: subject, body: "A comment", shared: shared, mentions: mentions))
                }
            }

            // A customer reaches shared actions and reviews, never an internal action.
            #expect(await add(editor, CommentSubject(.action, sharedAction)) == nil)
            #expect(await add(editor, CommentSubject(.review, review)) == nil)
            #expect(await add(editor, CommentSubject(.action, internalAction))?.code == .notFound)
            #expect(await statusCode { _ = try await editor.comments(accountID: account, on: CommentSubject(.action, internalAction)) } == .notFound)
            #expect(await add(seller, CommentSubject(.action, internalAction)) == nil)
            let sharedOnInternal = await add(seller, CommentSubject(.action, internalAction), shared: true)
            #expect(
                sharedOnInternal?.code == .failedPrecondition && sharedOnInternal?.message.contains("action “Pitch the upsell” is internal") == true)
            #expect(
                try await world.client(for: .marketing).comments(accountID: account, on: CommentSubject(.review, review)).map(\.body) == ["A comment"]
            )

            // Subjects of other accounts, kinds or tenants are not found.
            let goalOfB = try await world.client(for: .admin).createGoal(accountID: world.accountB, GoalDraft(title: "B"))
            #expect(await add(seller, CommentSubject(.goal, goalOfB.id))?.code == .notFound)
            #expect(await add(seller, CommentSubject(.action, goal.id))?.code == .notFound)
            #expect(await add(try await world.client(for: .otherTenantCustomer), CommentSubject(.goal, goal.id))?.code == .notFound)
            #expect(
                await add(try await world.client(for: .otherTenantCustomer), CommentSubject(.goal, goal.id), account: world.accountC)?.code
                    == .notFound)
            #expect(await add(try await world.client(for: .customerViewer), CommentSubject(.goal, goal.id))?.code == .permissionDenied)

            // Mentions: only people who can see the comment.
            let customerOnInternal = await add(seller, CommentSubject(.goal, goal.id), mentions: [editorID])
            #expect(
                customerOnInternal?.code == .invalidArgument
                    && customerOnInternal?.message.contains("an internal comment cannot mention a customer (customerEditor)") == true)
            let offTeam = try #require(world.users[.sellerOffTeam]).user
            let stranger = try #require(world.users[.otherTenantCustomer]).user
            for id in [offTeam, stranger, UUID()] {
                let refused = await add(editor, CommentSubject(.goal, goal.id), mentions: [id])
                #expect(
                    refused?.code == .invalidArgument && refused?.message.contains("must take part in this account") == true
                        && refused?.message.contains("\(id)") == true, "\(String(describing: refused))")
            }
            #expect(await add(seller, CommentSubject(.goal, goal.id), mentions: (0...50).map { _ in UUID() })?.message.contains("at most 50") == true)
            let customerPrivate = await add(editor, CommentSubject(.goal, goal.id), shared: false)
            #expect(customerPrivate?.code == .invalidArgument && customerPrivate?.message.contains("a customer's comment is always shared") == true)
            let empty = await rpcError {
                _ = try await seller.addComment(AddCommentRequest(accountID: account, subject: CommentSubject(.goal, goal.id), body: " \n "))
            }
            #expect(empty?.code == .invalidArgument && empty?.message == "the comment must have 1 to 10000 characters")
            #expect(
                await statusCode { _ = try await seller.comments(accountID: account, on: CommentSubject(.goal, goal.id), limit: 0) }
                    == .invalidArgument)
            // Refused comments left nothing behind: no comment, no notification.
            let (comments, notifications) = try await server.inTenant(world.acme) { connection in
                (
                    try await connection.query("SELECT count(*) AS n FROM comments WHERE subject_id = \(goal.id)").single(Int.self, column: "n"),
                    try await connection.query("SELECT count(*) AS n FROM notifications").single(Int.self, column: "n")
                )
            }
            #expect(comments == 0 && notifications == 0)
        }
    }
}
