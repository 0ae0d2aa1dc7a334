import NIOConcurrencyHelpers
import NIOCore
import Testing

@testable import KeyplanRPC

@Suite("Message inbox")
struct MessageInboxTests {
    @Test("a buffered message owns its bytes instead of pinning the receive buffer it was sliced from")
    func bufferedMessageIsCopied() async throws {
        let receiveBuffer = ByteBuffer(repeating: 0xAB, count: 1 << 20)
        let message = try #require(receiveBuffer.getSlice(at: receiveBuffer.readerIndex, length: 16))
        #expect(message.storageCapacity >= 1 << 20)

        let inbox = MessageInbox(highWatermark: 1024, onDrained: {})
        inbox.append(message)
        let buffered = try #require(try await inbox.next())
        #expect(buffered == message)
        #expect(buffered.storageCapacity < 1024)
    }

    /// Waits (bounded) for `count` results that tasks put in `box`; fails rather than hangs when some never come.
    private func results<T: Sendable>(_ box: NIOLockedValueBox<[T]>, count: Int) async -> [T]? {
        for _ in 0..<1000 {
            let values = box.withLockedValue { $0 }
            if values.count >= count { return values }
            try? await Task.sleep(for: .milliseconds(10))
        }
        return nil
    }

    @Test("consumers waiting at once each get one message, then all see the end")
    func concurrentConsumers() async throws {
        let inbox = MessageInbox(highWatermark: 1024, onDrained: {})
        let received = NIOLockedValueBox<[[UInt8]?]>([])
        for _ in 0..<3 {
            // Unstructured, so that a consumer never resumed fails the test instead of hanging it.
            Task {
                let message = try await inbox.next().map { Array(buffer: $0) }
                received.withLockedValue { $0.append(message) }
            }
        }
        try await Task.sleep(for: .milliseconds(100))  // let all three wait before anything arrives
        inbox.append(ByteBuffer(bytes: [1]))
        inbox.append(ByteBuffer(bytes: [2]))
        inbox.finish()
        let messages = try #require(await results(received, count: 3), "a consumer was never resumed")
        #expect(messages.compactMap { $0 }.sorted { $0[0] < $1[0] } == [[1], [2]])
        #expect(messages.filter { $0 == nil }.count == 1)
        // The end is sticky.
        #expect(try await inbox.next() == nil)
        #expect(try await inbox.next() == nil)
    }

    @Test("after a failure every next() throws the same error again")
    func stickyFailure() async throws {
        let inbox = MessageInbox(highWatermark: 1024, onDrained: {})
        inbox.finish(error: RPCError(code: .unavailable, message: "gone"))
        for _ in 0..<2 {
            let error = await #expect(throws: RPCError.self) { try await inbox.next() }
            #expect(error?.message == "gone")
        }
    }

    @Test("a cancelled consumer leaves the others waiting")
    func cancelledConsumer() async throws {
        let inbox = MessageInbox(highWatermark: 1024, onDrained: {})
        let cancelled = Task { try await inbox.next() }
        let waiting = Task { try await inbox.next() }
        try await Task.sleep(for: .milliseconds(100))
        cancelled.cancel()
        await #expect(throws: CancellationError.self) { try await cancelled.value }
        inbox.append(ByteBuffer(bytes: [7]))
        let message = try await waiting.value
        #expect(message == ByteBuffer(bytes: [7]))
    }

    @Test("buffered messages count against the connection's budget until read or dropped")
    func budget() async throws {
        let relieved = Counter()
        let budget = InboundBudget(limit: 300) { relieved.increment() }
        let first = MessageInbox(highWatermark: 1 << 20, budget: budget, onDrained: {})
        let second = MessageInbox(highWatermark: 1 << 20, budget: budget, onDrained: {})
        // 100 bytes + 64 overhead each: the second message takes the total over 300.
        #expect(first.append(ByteBuffer(repeating: 1, count: 100)) == .init())
        #expect(second.append(ByteBuffer(repeating: 2, count: 100)) == .init(connectionOverBudget: true))
        #expect(budget.isOverLimit)
        #expect(second.append(ByteBuffer(repeating: 2, count: 100)) == .init())  // reported once
        _ = try await first.next()
        #expect(budget.isOverLimit)  // 328 > 150
        second.abort(RPCError(code: .cancelled, message: "cancelled"))
        #expect(budget.bytes == 0)
        #expect(!budget.isOverLimit)
        #expect(relieved.value == 1)
    }

    @Test("an inbox dropped with unread messages gives their bytes back")
    func droppedInboxReleasesBudget() {
        let budget = InboundBudget(limit: 1000, onRelieved: {})
        do {
            let inbox = MessageInbox(highWatermark: 1 << 20, budget: budget, onDrained: {})
            inbox.append(ByteBuffer(repeating: 1, count: 500))
            #expect(budget.bytes == 564)
        }
        #expect(budget.bytes == 0)
    }
}

/// A thread-safe count, for callbacks.
final class Counter: Sendable {
    private let count = NIOLockedValueBox(0)
    func increment() { count.withLockedValue { $0 += 1 } }
    var value: Int { count.withLockedValue { $0 } }
}
