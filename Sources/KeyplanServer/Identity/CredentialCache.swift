import DequeModule
import Foundation
import KeyplanPostgres
import Logging
import Synchronization

/// Resolved credentials, kept in the process for a short time so that a call does not look its
/// token up in the database each time (`resolve_credential` is a round trip before the tenant is
/// known, so it cannot travel with the call's own statements).
///
/// An entry lives at most ``Settings/lifetime`` (one second by default), and never past the
/// credential's own expiry. A revocation, a disabled user or a changed role takes effect sooner:
/// the database notifies every server process (`keyplan_credentials`, from triggers — see
/// `Schema/0013_request_path.sql`) and ``run()`` drops the entries concerned; if the listening
/// connection was lost meanwhile, it drops them all. A lookup that started before an invalidation
/// does not store what it found, so a revocation is never papered over by a late answer.
/// Concurrent lookups of one token share one database round trip.
///
/// Bounded: at most ``Settings/capacity`` entries; the oldest go first.
final class CredentialCache: Sendable {
    struct Settings: Sendable, Hashable {
        var lifetime: Duration
        var capacity: Int

        static var defaults: Settings { Settings(lifetime: .seconds(1), capacity: 10_000) }
    }

    static let channel = "keyplan_credentials"

    private let database: PostgresClient
    private let settings: Settings
    private let state = Mutex(State())

    private struct Entry: Sendable {
        var credential: ResolvedCredential
        var validUntil: ContinuousClock.Instant
    }

    private struct State: Sendable {
        var entries: [Data: Entry] = [:]
        /// Insertion order, for eviction; may hold keys already gone.
        var order: Deque<Data> = []
        /// Lookups in flight, by token hash: later callers wait for the same answer.
        var inFlight: [Data: Task<ResolvedCredential?, any Error>] = [:]
        /// Bumped by every invalidation: a lookup stores its answer only if none happened since it began.
        var generation = 0
    }

    init(database: PostgresClient, settings: Settings = .defaults) {
        self.database = database
        self.settings = settings
    }

    /// The live credential behind a token, from the cache or the database; `nil` when there is none.
    func resolve(tokenHash: Data) async throws -> ResolvedCredential? {
        let now = ContinuousClock.now
        let (cached, task) = state.withLock { state -> (ResolvedCredential?, Task<ResolvedCredential?, any Error>?) in
            if let entry = state.entries[tokenHash] {
                if entry.validUntil > now { return (entry.credential, nil) }
                state.entries[tokenHash] = nil
            }
            if let running = state.inFlight[tokenHash] { return (nil, running) }
            let generation = state.generation
            // Unstructured on purpose: the callers who wait for it may be cancelled, the lookup
            // serves the others all the same.
            let lookup = Task { [database, settings] in
                do {
                    let found = try await ResolvedCredential.resolve(tokenHash: tokenHash, on: database)
                    self.store(found, for: tokenHash, lookedUpAt: now, generation: generation, settings: settings)
                    return found
                } catch {
                    self.store(nil, for: tokenHash, lookedUpAt: now, generation: generation, settings: settings)
                    throw error
                }
            }
            state.inFlight[tokenHash] = lookup
            return (nil, lookup)
        }
        if let cached { return cached }
        return try await task?.value
    }

    private func store(
        _ credential: ResolvedCredential?, for tokenHash: Data, lookedUpAt: ContinuousClock.Instant, generation: Int, settings: Settings
    ) {
        state.withLock { state in
            state.inFlight[tokenHash] = nil
            guard let credential, state.generation == generation else { return }
            var validUntil = lookedUpAt.advanced(by: settings.lifetime)
            if let expiresAt = credential.expiresAt {
                validUntil = min(validUntil, lookedUpAt.advanced(by: .seconds(expiresAt.timeIntervalSinceNow)))
            }
            if state.entries.updateValue(Entry(credential: credential, validUntil: validUntil), forKey: tokenHash) == nil {
                state.order.append(tokenHash)
            }
            while state.entries.count > settings.capacity, let oldest = state.order.popFirst() {
                state.entries[oldest] = nil
            }
            if state.order.count > 2 * settings.capacity {
                state.order = Deque(state.order.filter { state.entries[$0] != nil })
            }
        }
    }

    /// Drops what the payload names (`credential:<id>`, `user:<id>`); anything else drops all.
    func invalidate(_ payload: String) {
        let parts = payload.split(separator: ":", maxSplits: 1)
        let id = parts.count == 2 ? UUID(uuidString: String(parts[1])) : nil
        state.withLock { state in
            state.generation += 1
            switch (parts.first, id) {
            case ("credential", let id?): state.entries = state.entries.filter { $0.value.credential.credentialID != id }
            case ("user", let id?): state.entries = state.entries.filter { $0.value.credential.userID != id }
            default: state.entries = [:]
            }
        }
    }

    /// Drops every entry.
    func invalidateAll() {
        state.withLock { state in
            state.generation += 1
            state.entries = [:]
            state.order = []
        }
    }

    /// Listens for invalidations until cancelled (part of ``KeyplanServices/run()``). Until it
    /// listens, and whenever the listening connection was lost, entries live only their lifetime.
    func run(logger: Logger) async {
        while !Task.isCancelled {
            do {
                let events = try await database.listen(channel: Self.channel)
                // Whatever was cached before listening may be stale.
                invalidateAll()
                for await event in events {
                    switch event {
                    case .notification(let notification): invalidate(notification.payload)
                    case .resumed: invalidateAll()
                    }
                }
                return
            } catch {
                logger.warning("cannot listen for credential changes; retrying", metadata: ["error": "\(error)"])
                try? await Task.sleep(for: .seconds(1))
            }
        }
    }
}
