import NIOConcurrencyHelpers
import NIOCore

@testable import KeyplanRPC

/// A client that stops reading: the first message's send waits until ``release()``.
final class StalledSink: MessageSink {
    private let state = NIOLockedValueBox<(sent: Int, waiter: CheckedContinuation<Void, Never>?, released: Bool)>((0, nil, false))
    /// Yields once the first send is waiting.
    let stalled: AsyncStream<Void>
    private let stalledContinuation: AsyncStream<Void>.Continuation

    init() { (stalled, stalledContinuation) = AsyncStream.makeStream() }

    var sent: Int { state.withLockedValue { $0.sent } }

    func send(_ writePayload: (inout ByteBuffer) throws -> Void) async throws {
        var buffer = ByteBuffer()
        try writePayload(&buffer)
        await withCheckedContinuation { continuation in
            let wait = state.withLockedValue { state in
                state.sent += 1
                if state.released { return false }
                state.waiter = continuation
                return true
            }
            if wait { stalledContinuation.yield() } else { continuation.resume() }
        }
    }

    func release() {
        let waiter = state.withLockedValue { state in
            state.released = true
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.resume()
    }
}
