import NIOCore
import NIOEmbedded
import Testing

@testable import KeyplanRPC

@Suite("Client connection handler")
struct ClientConnectionHandlerTests {
    @Test("a handler removed before the server's preface fails the handshake instead of leaving it pending")
    func removedBeforeHandshake() throws {
        // NIO's own in-memory channel, not a socket: removing the handler from the pipeline brings
        // `handlerRemoved` and no `channelInactive`, as a channel that never became active does.
        let channel = EmbeddedChannel()
        let handler = ClientConnectionHandler(
            configuration: ClientConfiguration(host: "127.0.0.1", port: 7400),
            connectionState: ClientConnection.SharedState(onStop: {}), eventLoop: channel.eventLoop, live: LiveObjects())
        try channel.pipeline.syncOperations.addHandler(handler)
        var outcome: Result<Void, any Error>?
        handler.handshakeCompleted.whenComplete { outcome = $0 }
        _ = channel.pipeline.syncOperations.removeHandler(handler)
        channel.embeddedEventLoop.run()
        guard case .failure(let error as RPCError)? = outcome else {
            Issue.record("the handshake is still pending (or succeeded): \(String(describing: outcome))")
            return
        }
        #expect(error.code == .unavailable)
        _ = try? channel.finish()
    }
}
