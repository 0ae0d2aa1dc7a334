import Foundation
import KeyplanAPI
import KeyplanPostgres
import KeyplanRPC
import Testing

@testable import KeyplanServer

/// Two people change one record at the same moment, each naming the version they read: one
/// change wins, the other is refused as stale (ABORTED) — never NOT_FOUND, although the winner's
/// change makes someone else the record's last changer.
@Suite("Concurrent edits")
struct ConcurrentEditTests {
    /// Starts `first` and `second` while the record's row is held locked, so that both wait on it;
    /// then lets go. Returns their status codes.
    static func race(
        _ server: IdentityTestServer, tenant: UUID, lock: PostgresQuery,
        _ first: @escaping @Sendable () async throws -> Void, _ second: @escaping @Sendable () async throws -> Void
    ) async throws -> [StatusCode] {
        let (a, b) = try await server.inTenant(tenant) { connection in
            try await connection.query(lock)
            let started = (Task { await statusCode(first) }, Task { await statusCode(second) })
            try await GoalsTests.waitForLockWaiters(2, server)
            return started
        }
        return [await a.value, await b.value]
    }

    @Test func theLoserOfARaceIsToldTheRecordChangedNotThatItIsGone() async throws {
        try await IdentityTestServer.with { server in
            let world = try await TwoTenantWorld.build(server)
            let seller = try await world.client(for: .sellerOnTeam)
            let member = try await world.client(for: .teamMember)
            let editor = try await world.client(for: .customerEditor)
            let a = world.accountA

            let action = try await world.freshAction(shared: true)
            let actionCodes = try await Self.race(
                server, tenant: world.acme, lock: "SELECT FROM actions WHERE id = \(action) FOR UPDATE",
                { _ = try await seller.updateAction(UpdateActionRequest(accountID: a, actionID: action, expectedVersion: 1, title: "Seller's")) },
                { _ = try await editor.updateAction(UpdateActionRequest(accountID: a, actionID: action, expectedVersion: 1, status: .inProgress)) })
            #expect(actionCodes.sorted { "\($0)" < "\($1)" } == [.aborted, .ok], "action: \(actionCodes)")

            let step = try await world.freshProcessStep()
            let stepCodes = try await Self.race(
                server, tenant: world.acme, lock: "SELECT FROM process_steps WHERE id = \(step) FOR UPDATE",
                {
                    _ = try await seller.updateProcessStep(
                        UpdateProcessStepRequest(accountID: a, stepID: step, expectedVersion: 1, activity: "Seller's"))
                },
                { _ = try await member.updateProcessStep(UpdateProcessStepRequest(accountID: a, stepID: step, expectedVersion: 1, side: .seller)) })
            #expect(stepCodes.sorted { "\($0)" < "\($1)" } == [.aborted, .ok], "step: \(stepCodes)")

            let review = try await world.freshReview()
            let reviewCodes = try await Self.race(
                server, tenant: world.acme, lock: "SELECT FROM roadmap_reviews WHERE id = \(review) FOR UPDATE",
                { _ = try await seller.updateReview(UpdateReviewRequest(accountID: a, reviewID: review, expectedVersion: 1, notes: "Seller's")) },
                { _ = try await member.updateReview(UpdateReviewRequest(accountID: a, reviewID: review, expectedVersion: 1, notes: "Member's")) })
            #expect(reviewCodes.sorted { "\($0)" < "\($1)" } == [.aborted, .ok], "review: \(reviewCodes)")

            let round = try await world.freshScoringRound()
            let admin = try await world.client(for: .admin)
            let roundCodes = try await Self.race(
                server, tenant: world.acme, lock: "SELECT FROM scoring_rounds WHERE id = \(round.id) FOR UPDATE",
                { _ = try await seller.closeScoringRound(accountID: a, roundID: round.id, expectedVersion: 1) },
                { _ = try await admin.closeScoringRound(accountID: a, roundID: round.id, expectedVersion: 1) })
            #expect(roundCodes.contains(.ok) && !roundCodes.contains(.notFound), "round: \(roundCodes)")
        }
    }
}
