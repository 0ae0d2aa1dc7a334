import DequeModule
import NIOConcurrencyHelpers
import NIOCore

/// The received, not yet consumed messages of one call: filled on the event loop, drained by the
/// one task that reads the call's stream.
///
/// It reports when its buffered bytes cross the high watermark and when they fall back under the
/// low one, so the connection can stop reading the socket meanwhile: TCP then pushes back on the
/// sender, and nothing here grows without bound.
final class MessageInbox: @unchecked Sendable {
    private struct State {
        var messages = Deque<ByteBuffer>()
        var bufferedBytes = 0
        var overLimit = false
        var end: RPCError?? = .none  // .some(nil): finished cleanly; .some(error): failed
        var waiter: CheckedContinuation<ByteBuffer?, any Error>?
    }

    private let lock = NIOLock()
    private var state = State()
    private let highWatermark: Int
    /// Called (from the consumer's task) when the buffer falls back under half the watermark.
    private let onDrained: @Sendable () -> Void

    init(highWatermark: Int, onDrained: @escaping @Sendable () -> Void) {
        self.highWatermark = highWatermark
        self.onDrained = onDrained
    }

    /// Adds a message. Returns `true` if the buffer just went over its high watermark.
    @discardableResult
    func append(_ message: ByteBuffer) -> Bool {
        let (waiter, crossed): (CheckedContinuation<ByteBuffer?, any Error>?, Bool) = lock.withLock {
            guard case .none = state.end else { return (nil, false) }
            if let waiter = state.waiter {
                state.waiter = nil
                return (waiter, false)
            }
            // The parser hands out payloads as slices of its receive buffer; a buffered slice would pin that
            // whole buffer (other calls' frames included) while counting only its own bytes. A copy makes the
            // watermark count what is actually held.
            let owned = ByteBuffer(bytes: message.readableBytesView)
            state.messages.append(owned)
            state.bufferedBytes += owned.readableBytes + 64
            if !state.overLimit && state.bufferedBytes > highWatermark {
                state.overLimit = true
                return (nil, true)
            }
            return (nil, false)
        }
        waiter?.resume(returning: message)
        return crossed
    }

    /// No more messages: the stream ends after the buffered ones, cleanly or with `error`.
    func finish(error: RPCError? = nil) {
        let waiter: CheckedContinuation<ByteBuffer?, any Error>? = lock.withLock {
            guard case .none = state.end else { return nil }
            state.end = .some(error)
            defer { state.waiter = nil }
            return state.waiter
        }
        if let error { waiter?.resume(throwing: error) } else { waiter?.resume(returning: nil) }
    }

    /// Whether the buffer is over its high watermark (and the connection should not read).
    var isOverLimit: Bool { lock.withLock { state.overLimit } }

    private enum Taken {
        case message(ByteBuffer, drained: Bool)
        case end(RPCError?)

        func resolve() throws -> ByteBuffer? {
            switch self {
            case .message(let message, _): return message
            case .end(let error):
                if let error { throw error }
                return nil
            }
        }
    }

    /// Takes the first buffered message or the end; call with the lock held.
    private func takeLocked() -> Taken? {
        if let message = state.messages.popFirst() {
            state.bufferedBytes -= message.readableBytes + 64
            let drained = state.overLimit && state.bufferedBytes <= highWatermark / 2
            if drained { state.overLimit = false }
            return .message(message, drained: drained)
        }
        if case .some(let error) = state.end { return .end(error) }
        return nil
    }

    private func took(_ taken: Taken) -> Taken {
        if case .message(_, drained: true) = taken { onDrained() }
        return taken
    }

    /// The next message, `nil` at the clean end.
    func next() async throws -> ByteBuffer? {
        if let taken = lock.withLock({ takeLocked() }) {
            return try took(taken).resolve()
        }
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<ByteBuffer?, any Error>) in
                let taken: Result<Taken, CancellationError>? = lock.withLock {
                    if let taken = takeLocked() { return .success(taken) }
                    if Task.isCancelled { return .failure(CancellationError()) }
                    state.waiter = continuation
                    return nil
                }
                switch taken {
                case .success(let taken): continuation.resume(with: Result { try took(taken).resolve() })
                case .failure(let error): continuation.resume(throwing: error)
                case nil: break
                }
            }
        } onCancel: {
            let waiter = lock.withLock {
                defer { state.waiter = nil }
                return state.waiter
            }
            waiter?.resume(throwing: CancellationError())
        }
    }
}
