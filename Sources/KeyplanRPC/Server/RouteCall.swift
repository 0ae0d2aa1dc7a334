import KeyplanWire
import Logging
import NIOCore

/// How a call's messages are encoded: the binary protocol's form, or JSON through an HTTP gateway.
enum MessageEncoding: Sendable {
    case binary
    case json
}

/// One call as a route's handler runs on it, whatever carried it: a binary-protocol connection
/// (``ServerCall``) or an HTTP gateway (``GatewayCall``). The router's typed handlers and the
/// interceptors around them see only this, so every transport reaches the same handlers.
protocol RouteCall: MessageSink, AnyObject {
    /// Which form of each message's codec this call uses.
    var encoding: MessageEncoding { get }
    /// The requests as they arrive, undecoded.
    var inbox: MessageInbox { get }
    /// The metadata the handler answers with.
    var response: ResponseMetadata { get }
    /// Why the server ended the call before its handler did (deadline, shutdown), if it did.
    var endedByServer: RPCError? { get }
    /// Keeps the one response of a single-response call until the call ends OK.
    func holdResponse(_ writePayload: (inout ByteBuffer) throws -> Void) async throws
    /// Ends the call with `end`; `false` if it had ended. `reason` is given when the server, not the
    /// handler, ends the call.
    @discardableResult
    func finish(_ end: Frame.End, because reason: RPCError?) -> Bool
    /// Ends the call with the status `error` stands for.
    func fail(_ error: any Error, logger: Logger)
}

extension RouteCall {
    func fail(_ error: any Error, logger: Logger) {
        finish(ServerCallExecution.end(for: error, trailers: response.trailers, logger: logger), because: nil)
    }

    func requests<Request>(_ codec: MessageCodec<Request>) -> MessageStream<Request> {
        MessageStream(inbox: inbox, deserializer: deserializer(codec), undecodableCode: .invalidArgument)
    }

    func responses<Response>(_ codec: MessageCodec<Response>) -> MessageWriter<Response> {
        MessageWriter(sink: self, serializer: serializer(codec))
    }

    func holdResponse<Response>(_ response: Response, _ codec: MessageCodec<Response>) async throws {
        let serializer = serializer(codec)
        try await holdResponse { try serializer.serialize(response, into: &$0) }
    }

    // A gateway only dispatches methods whose messages have a JSON form (``RPCRouter/Route/hasJSON``);
    // the binary form stands in only if that check were skipped, and then fails to decode loudly.
    private func deserializer<Message>(_ codec: MessageCodec<Message>) -> any MessageDeserializer<Message> {
        encoding == .json ? codec.json?.deserializer ?? codec.deserializer : codec.deserializer
    }

    private func serializer<Message>(_ codec: MessageCodec<Message>) -> any MessageSerializer<Message> {
        encoding == .json ? codec.json?.serializer ?? codec.serializer : codec.serializer
    }
}
