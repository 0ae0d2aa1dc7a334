@testable import KeyplanRPC
import NIOCore
import Testing

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
}
