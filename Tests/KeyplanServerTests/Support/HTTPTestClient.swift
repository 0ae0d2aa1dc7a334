import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL
import Synchronization

/// A plain HTTP/1.1 client on one keep-alive connection, for the gateway's tests: it sends exactly the
/// bytes of a request (any method, header or body, however wrong) and reads the answer as it arrives,
/// so that streamed answers can be read message by message. One exchange at a time.
final class HTTPTestClient: Sendable {
    private let channel: any Channel
    private let parts: ResponseParts
    private let host: String

    struct Answer: Sendable {
        var status: Int
        var headers: HTTPHeaders
        var body: ByteBuffer
        var text: String { String(buffer: body) }
        func json() throws -> [String: Any] {
            try JSONSerialization.jsonObject(with: Data(body.readableBytesView)) as? [String: Any] ?? [:]
        }
    }

    /// - Parameter trustRoots: a PEM certificate to trust, to speak TLS to a server named `localhost`.
    init(port: Int, trustRoots: String? = nil) async throws {
        host = "127.0.0.1:\(port)"
        let parts = ResponseParts()
        self.parts = parts
        let tls = try trustRoots.map { path in
            var configuration = TLSConfiguration.makeClientConfiguration()
            configuration.trustRoots = .file(path)
            return try NIOSSLContext(configuration: configuration)
        }
        channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    if let tls { try channel.pipeline.syncOperations.addHandler(NIOSSLClientHandler(context: tls, serverHostname: "localhost")) }
                    try channel.pipeline.syncOperations.addHTTPClientHandlers()
                    try channel.pipeline.syncOperations.addHandler(ResponseCollector(parts: parts))
                }
            }
            .connect(host: "127.0.0.1", port: port).get()
    }

    /// Sends one request and reads its whole answer.
    func send(_ method: HTTPMethod = .POST, _ path: String, headers: [(String, String)] = [], body: ByteBuffer? = nil) async throws -> Answer {
        try await exchange(method, path, headers: headers, body: body) { _ in }
    }

    /// Sends one request and reads its answer, handing each piece of the body to `onChunk` as it arrives.
    func exchange(
        _ method: HTTPMethod, _ path: String, headers: [(String, String)] = [], body: ByteBuffer? = nil,
        onChunk: @Sendable (ByteBuffer) async throws -> Void
    ) async throws -> Answer {
        var head = HTTPRequestHead(version: .http1_1, method: method, uri: path)
        head.headers.add(name: "Host", value: host)
        for (name, value) in headers { head.headers.add(name: name, value: value) }
        // A test may state a Content-Length the body does not keep to.
        if let body, !head.headers.contains(name: "Content-Length") { head.headers.add(name: "Content-Length", value: "\(body.readableBytes)") }
        channel.write(HTTPClientRequestPart.head(head), promise: nil)
        if let body { channel.write(HTTPClientRequestPart.body(.byteBuffer(body)), promise: nil) }
        try await channel.writeAndFlush(HTTPClientRequestPart.end(nil))
        var answer = Answer(status: 0, headers: [:], body: ByteBuffer())
        while let part = try await parts.next() {
            switch part {
            case .head(let responseHead):
                answer.status = Int(responseHead.status.code)
                answer.headers = responseHead.headers
            case .body(var chunk):
                try await onChunk(chunk)
                answer.body.writeBuffer(&chunk)
            case .end:
                return answer
            }
        }
        throw CancellationError()
    }

    /// Closes the connection, ending a read in progress.
    func close() async {
        try? await channel.close()
    }

    /// A Connect unary call: POST with a JSON body.
    func call(_ method: String, _ json: String, headers: [(String, String)] = []) async throws -> Answer {
        try await send(.POST, "/\(method)", headers: [("Content-Type", "application/json")] + headers, body: ByteBuffer(string: json))
    }

    /// A Connect envelope around `json`.
    static func envelope(_ json: String, flags: UInt8 = 0) -> ByteBuffer {
        var buffer = ByteBuffer()
        buffer.writeInteger(flags)
        buffer.writeInteger(UInt32(json.utf8.count))
        buffer.writeString(json)
        return buffer
    }

    /// The envelopes of a streamed body: (flags, JSON text) each.
    static func envelopes(in body: ByteBuffer) -> [(flags: UInt8, json: String)] {
        var body = body
        var result: [(UInt8, String)] = []
        while let flags = body.readInteger(as: UInt8.self), let length = body.readInteger(as: UInt32.self),
            let text = body.readString(length: Int(length))
        {
            result.append((flags, text))
        }
        return result
    }
}

/// The parts of the answers as the connection delivers them, waited for one at a time; `nil` once closed.
private final class ResponseParts: Sendable {
    private let state = Mutex<(parts: [HTTPClientResponsePart], closed: Bool, waiter: CheckedContinuation<HTTPClientResponsePart?, Never>?)>(
        ([], false, nil))

    func deliver(_ part: HTTPClientResponsePart?) {
        let waiter: CheckedContinuation<HTTPClientResponsePart?, Never>? = state.withLock { state in
            if let waiter = state.waiter {
                state.waiter = nil
                return waiter
            }
            if let part { state.parts.append(part) } else { state.closed = true }
            return nil
        }
        waiter?.resume(returning: part)
    }

    func next() async throws -> HTTPClientResponsePart? {
        await withCheckedContinuation { continuation in
            let ready: HTTPClientResponsePart?? = state.withLock { state in
                if !state.parts.isEmpty { return .some(state.parts.removeFirst()) }
                if state.closed { return .some(nil) }
                state.waiter = continuation
                return .none
            }
            if let ready { continuation.resume(returning: ready) }
        }
    }
}

private final class ResponseCollector: ChannelInboundHandler, Sendable {
    typealias InboundIn = HTTPClientResponsePart
    let parts: ResponseParts
    init(parts: ResponseParts) { self.parts = parts }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        parts.deliver(unwrapInboundIn(data))
    }

    func channelInactive(context: ChannelHandlerContext) {
        parts.deliver(nil)
        context.fireChannelInactive()
    }
}
