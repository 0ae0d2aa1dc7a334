import NIOConcurrencyHelpers
import NIOEmbedded
import Testing

@testable import KeyplanRPC

@Suite("Frame outbox")
struct FrameOutboxTests {
    struct Item: FrameOutboxItem {
        let byteCount: Int
    }

    @Test("an item is written in the next drain; nil from the maker writes nothing and schedules no drain")
    func refusedAppendWritesNothing() throws {
        let loop = EmbeddedEventLoop()
        let outbox = FrameOutbox<Item>(eventLoop: loop)
        let drains = NIOLockedValueBox<[[Int]]>([])
        outbox.setDrainHandler { items in drains.withLockedValue { $0.append(items.map(\.byteCount)) } }

        try outbox.append { nil }
        loop.run()
        #expect(drains.withLockedValue { $0 }.isEmpty)

        try outbox.append { Item(byteCount: 3) }
        try outbox.append { nil }
        try outbox.append(Item(byteCount: 5))
        loop.run()
        #expect(drains.withLockedValue { $0 } == [[3, 5]])
    }
}
