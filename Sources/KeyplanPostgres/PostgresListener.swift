import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// LISTEN/NOTIFY on one dedicated connection and one dedicated thread.
///
/// The thread waits in `poll(2)` on the connection's socket and on a wake-up pipe; it never
/// touches the cooperative pool or an event loop. Subscribing to a channel queues a command and
/// wakes the thread, which issues `LISTEN` and then confirms, so a notification sent after
/// ``subscribe(channel:)`` returns is delivered. When the connection breaks (e.g. a PostgreSQL
/// restart), the thread reconnects every half second and listens to all channels again.
final class PostgresListener: Sendable {
    private let parameters: [(String, String)]
    private let state = Mutex(State())
    /// `wakeRead` is polled by the thread; writing to `wakeWrite` interrupts its `poll`.
    private let wakeRead: Int32
    private let wakeWrite: Int32

    private struct State {
        var subscribers: [String: [Int: AsyncStream<PostgresListenEvent>.Continuation]] = [:]
        var nextSubscriberID = 0
        /// Channels waiting for a `LISTEN`, with the callers waiting for it.
        var pendingListens: [(channel: String, confirm: CheckedContinuation<Void, any Error>)] = []
        var stopping = false
        var stopped: CheckedContinuation<Void, Never>?
        var isStopped = false
    }

    init(parameters: [(String, String)]) throws(PostgresError) {
        self.parameters = parameters
        var fds: [Int32] = [0, 0]
        guard pipe(&fds) == 0 else {
            throw PostgresError(kind: .connectionFailed, message: "cannot create the listener's wake-up pipe")
        }
        wakeRead = fds[0]
        wakeWrite = fds[1]
        _ = fcntl(wakeRead, F_SETFL, fcntl(wakeRead, F_GETFL) | O_NONBLOCK)
        let thread = Thread { [self] in self.runLoop() }
        thread.name = "keyplan-postgres-listener"
        thread.start()
    }

    /// Listens to `channel` (if not already) and returns a stream of its notifications.
    func subscribe(channel: String) async throws -> AsyncStream<PostgresListenEvent> {
        let (stream, continuation) = AsyncStream<PostgresListenEvent>.makeStream()
        let id = try state.withLock { state throws(PostgresError) in
            guard !state.stopping else { throw PostgresError(kind: .poolShutDown, message: "the client is shut down") }
            defer { state.nextSubscriberID += 1 }
            state.subscribers[channel, default: [:]][state.nextSubscriberID] = continuation
            return state.nextSubscriberID
        }
        continuation.onTermination = { [weak self] _ in
            guard let self else { return }
            self.state.withLock { _ = $0.subscribers[channel]?.removeValue(forKey: id) }
            self.wake()
        }
        try await withCheckedThrowingContinuation { confirm in
            state.withLock { $0.pendingListens.append((channel, confirm)) }
            wake()
        }
        return stream
    }

    /// Stops the thread, closes the connection and finishes every stream.
    func shutdown() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let alreadyStopped = state.withLock { state in
                state.stopping = true
                if state.isStopped { return true }
                state.stopped = continuation
                return false
            }
            if alreadyStopped { continuation.resume() } else { wake() }
        }
    }

    private func wake() {
        var byte: UInt8 = 1
        _ = write(wakeWrite, &byte, 1)
    }

    // MARK: The listener thread

    private func runLoop() {
        var connection: LibPQConnection?
        var listening: Set<String> = []
        /// Set once a listening connection was lost: the next one tells subscribers they may have missed notifications.
        var lost = false
        while !state.withLock({ $0.stopping }) {
            if connection == nil {
                connection = try? LibPQConnection.connect(parameters: parameters)
                listening = []
                if connection == nil {
                    failPendingListens(PostgresError(kind: .connectionFailed, message: "the listening connection could not connect"))
                    waitForWakeOrSocket(socket: nil, timeoutMilliseconds: 500)
                    continue
                }
            }
            guard let current = connection else { continue }
            do {
                try synchronizeChannels(on: current, listening: &listening)
                if lost {
                    lost = false
                    let subscribers = state.withLock { $0.subscribers }
                    subscribers.values.flatMap(\.values).forEach { $0.yield(.resumed) }
                }
                dispatch(try current.takeNotifications())
                waitForWakeOrSocket(socket: current.socket, timeoutMilliseconds: -1)
                dispatch(try current.takeNotifications())
            } catch {
                current.close()
                connection = nil
                lost = true
            }
        }
        connection?.close()
        let (subscribers, stopped) = state.withLock { state in
            state.isStopped = true
            defer {
                state.subscribers = [:]
                state.stopped = nil
            }
            return (state.subscribers, state.stopped)
        }
        failPendingListens(PostgresError(kind: .poolShutDown, message: "the client is shut down"))
        subscribers.values.flatMap(\.values).forEach { $0.finish() }
        close(wakeRead)
        close(wakeWrite)
        stopped?.resume()
    }

    /// Issues LISTEN for channels with subscribers and UNLISTEN for channels without, then
    /// confirms the pending subscriptions.
    private func synchronizeChannels(on connection: LibPQConnection, listening: inout Set<String>) throws {
        let (wanted, pending) = state.withLock { state in
            defer { state.pendingListens = [] }
            return (Set(state.subscribers.filter { !$0.value.isEmpty }.keys), state.pendingListens)
        }
        do {
            for channel in wanted.subtracting(listening) {
                try connection.executeScript("LISTEN \(try connection.escapeIdentifier(channel))", operation: connection.makeOperation())
                listening.insert(channel)
            }
            for channel in listening.subtracting(wanted) {
                try connection.executeScript("UNLISTEN \(try connection.escapeIdentifier(channel))", operation: connection.makeOperation())
                listening.remove(channel)
            }
        } catch {
            // Put them back: they are confirmed once the connection is back.
            state.withLock { $0.pendingListens.insert(contentsOf: pending, at: 0) }
            throw error
        }
        pending.forEach { $0.confirm.resume() }
    }

    private func failPendingListens(_ error: PostgresError) {
        let pending = state.withLock { state in
            defer { state.pendingListens = [] }
            return state.pendingListens
        }
        pending.forEach { $0.confirm.resume(throwing: error) }
    }

    private func dispatch(_ notifications: [PostgresNotification]) {
        guard !notifications.isEmpty else { return }
        let subscribers = state.withLock { $0.subscribers }
        for notification in notifications {
            subscribers[notification.channel]?.values.forEach { $0.yield(.notification(notification)) }
        }
    }

    private func waitForWakeOrSocket(socket: Int32?, timeoutMilliseconds: Int32) {
        var fds = [pollfd(fd: wakeRead, events: Int16(POLLIN), revents: 0)]
        if let socket { fds.append(pollfd(fd: socket, events: Int16(POLLIN), revents: 0)) }
        _ = poll(&fds, nfds_t(fds.count), timeoutMilliseconds)
        var buffer = [UInt8](repeating: 0, count: 64)
        while read(wakeRead, &buffer, buffer.count) > 0 {}
    }
}
