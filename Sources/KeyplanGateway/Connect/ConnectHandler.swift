import AsyncAlgorithms
import Foundation
import HTTPTypes
import Hummingbird
import KeyplanRPC
import NIOCore

/// The Connect protocol (connectrpc.com/docs/protocol) onto a ``GatewayDispatcher``: unary calls as
/// `POST /service/Method` with JSON in and out (and as `GET` with the message in the query, for methods
/// without side effects), streaming calls in Connect's enveloped `application/connect+json` form.
///
/// Everything the HTTP request says is checked here — method, content type, protocol version, timeout,
/// size, the session cookie's CSRF header — before the dispatcher runs the call through the same
/// interceptors and handlers as the binary protocol.
struct ConnectHandler: Sendable {
    let dispatcher: GatewayDispatcher
    let limits: GatewayConfiguration.Limits
    let session: SessionCookie
    let openCalls: OpenCalls

    /// `POST /service/Method`.
    func post(_ request: Request, context: GatewayRequestContext) async -> Response {
        let method: GatewayDispatcher.Method
        switch methodNamed(context) {
        case .success(let found): method = found
        case .failure(let refusal): return refusal.response()
        }
        let streaming = method.kind != .unary
        let expected = streaming ? "application/connect+json" : "application/json"
        guard Self.mediaType(request.headers[.contentType]) == expected else {
            let got = request.headers[.contentType].map { "\"\($0.prefix(80))\"" } ?? "none"
            var response = Self.error(
                RPCError(
                    code: .invalidArgument,
                    message: "\(method.fullName) takes Content-Type \(expected) (got \(got))"
                        + (streaming ? "; a streaming method's body is Connect envelopes" : "")),
                status: .unsupportedMediaType)
            response.headers[.acceptPost] = expected
            return response
        }
        let prepared: GatewayDispatcher.Request
        switch await prepare(request, context: context, method: method) {
        case .success(let ready): prepared = ready
        case .failure(let refusal): return refusal.response(streaming: streaming)
        }
        var call = prepared
        switch await Self.collectBody(request, limits: limits) {
        case .success(let body):
            if streaming {
                do {
                    // A server-streaming call takes one request: a body of many tiny envelopes is refused, not split.
                    call.messages = try ConnectEnvelope.messages(in: body, atMost: method.kind == .serverStreaming ? 1 : nil)
                } catch {
                    return Refusal(RPCError(code: .invalidArgument, message: Self.describe(error))).response(streaming: true)
                }
            } else {
                call.messages = [body]
            }
        case .failure(let refusal):
            return refusal.response(streaming: streaming)
        }
        return streaming ? stream(call, on: context.connection) : await unary(call, on: context.connection)
    }

    /// `GET /service/Method?encoding=json&message=…`: Connect's form for methods without side effects, which
    /// browsers and proxies may cache and retry. Other methods answer 405.
    func get(_ request: Request, context: GatewayRequestContext) async -> Response {
        let method: GatewayDispatcher.Method
        switch methodNamed(context) {
        case .success(let found): method = found
        case .failure(let refusal): return refusal.response()
        }
        guard method.kind == .unary, method.idempotency == .noSideEffects else {
            var response = Self.error(
                RPCError(code: .unimplemented, message: "\(method.fullName) changes data: call it with POST"), status: .methodNotAllowed)
            response.headers[.allow] = "POST"
            return response
        }
        let query = request.uri.queryParameters
        guard query["encoding"].map(String.init) == "json" else {
            return Self.error(RPCError(code: .invalidArgument, message: "a GET call names encoding=json (the only encoding served)"))
        }
        // The query's values arrive percent-decoded already: decoding again would turn a literal "%41" into "A".
        var text = query["message"].map(String.init) ?? "{}"
        if query["base64"] == "1" {
            guard let bytes = Self.decodeBase64(text) else {
                return Self.error(RPCError(code: .invalidArgument, message: "the message parameter is not base64url"))
            }
            text = String(decoding: bytes, as: UTF8.self)
        }
        guard text.utf8.count <= limits.maxRequestBytes else {
            return Self.error(RPCError(code: .resourceExhausted, message: "the message is larger than \(limits.maxRequestBytes) bytes"))
        }
        switch await prepare(request, context: context, method: method) {
        case .success(var call):
            call.messages = [ByteBuffer(string: text)]
            return await unary(call, on: context.connection)
        case .failure(let refusal):
            return refusal.response()
        }
    }

    // MARK: Calls

    private func unary(_ call: GatewayDispatcher.Request, on connection: ObjectIdentifier) async -> Response {
        guard let control = openCalls.open(on: connection, streaming: false) else { return Self.error(OpenCalls.shutdown) }
        let outcome = await dispatcher.call(call, control: control)
        openCalls.close(control, on: connection)
        var headers: HTTPFields = [.cacheControl: "private, no-store"]
        Self.add(outcome.headers, to: &headers, prefix: "")
        Self.add(outcome.trailers, to: &headers, prefix: "trailer-")
        if let error = outcome.error {
            var response = Self.error(error)
            response.headers.append(contentsOf: headers)
            return response
        }
        headers[.contentType] = "application/json"
        return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: outcome.response ?? ByteBuffer(string: "{}")))
    }

    /// A streaming answer: 200 at once, then each response as an envelope while the handler writes it (waiting
    /// while the client reads slowly), then the end-of-stream envelope with the status and metadata. A client
    /// that goes away cancels the call.
    private func stream(_ call: GatewayDispatcher.Request, on connection: ObjectIdentifier) -> Response {
        guard let control = openCalls.open(on: connection, streaming: true) else { return Refusal(OpenCalls.shutdown).response(streaming: true) }
        let dispatcher = self.dispatcher
        let openCalls = self.openCalls
        return Response(
            status: .ok, headers: [.contentType: "application/connect+json", .cacheControl: "private, no-store"],
            body: ResponseBody { writer in
                defer { openCalls.close(control, on: connection) }
                // Each envelope says whether it is the last: a message the handler wrote just as the call ended
                // (its deadline, say) must not follow the end-of-stream envelope.
                let envelopes = AsyncChannel<(ByteBuffer, last: Bool)>()
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask {
                        let outcome = await dispatcher.call(call, control: control) { message in
                            var envelope = ByteBuffer()
                            ConnectEnvelope.write(message, into: &envelope)
                            await envelopes.send((envelope, last: false))
                            try Task.checkCancellation()
                        }
                        var end = ByteBuffer()
                        // A client-streaming call's one response, held until the call ended OK, goes before the end.
                        if let response = outcome.response { ConnectEnvelope.write(response, into: &end) }
                        ConnectEnvelope.write(Self.endOfStream(outcome), flags: ConnectEnvelope.endStreamFlag, into: &end)
                        await envelopes.send((end, last: true))
                        envelopes.finish()
                    }
                    for await (envelope, last) in envelopes {
                        try await writer.write(envelope)
                        if last { break }
                    }
                    try await group.waitForAll()
                }
                try await writer.finish(nil)
            })
    }

    /// The end-of-stream message: `{"error": …, "metadata": {…}}`, the handler's initial metadata and trailers
    /// both in `metadata` (the HTTP headers went out before the handler ran).
    static func endOfStream(_ outcome: GatewayDispatcher.Outcome) -> ByteBuffer {
        var parts: [String] = []
        if let error = outcome.error {
            parts.append("\"error\":" + String(buffer: ConnectError.json(error)))
        }
        var metadata = outcome.headers
        metadata.add(contentsOf: outcome.trailers)
        if !metadata.isEmpty {
            var values: [String: [String]] = [:]
            for field in metadata {
                values[field.name, default: []].append(Self.headerValue(field.value))
            }
            let entries = values.keys.sorted().map { name in
                "\(ConnectError.quoted(name)):[" + values[name]!.map(ConnectError.quoted).joined(separator: ",") + "]"
            }
            parts.append("\"metadata\":{" + entries.joined(separator: ",") + "}")
        }
        return ByteBuffer(string: "{" + parts.joined(separator: ",") + "}")
    }

    // MARK: The request

    private func methodNamed(_ context: GatewayRequestContext) -> Checked<GatewayDispatcher.Method> {
        let service = context.parameters.get("service") ?? ""
        let name = context.parameters.get("method") ?? ""
        switch dispatcher.method(named: "\(service)/\(name)") {
        case .success(let method):
            return .success(method)
        case .failure(let error):
            // An unknown path is Connect's 404, whatever the reason; a known method without a JSON form is 501.
            let known = error.message.hasSuffix("binary protocol only")
            return .failure(Refusal(error, status: known ? .notImplemented : .notFound))
        }
    }

    /// The call's metadata, timeout and caller, or the refusal that says what is wrong with them.
    private func prepare(
        _ request: Request, context: GatewayRequestContext, method: GatewayDispatcher.Method
    ) async -> Checked<GatewayDispatcher.Request> {
        if let version = request.headers[.connectProtocolVersion], version != "1" {
            return .failure(
                Refusal(RPCError(code: .invalidArgument, message: "Connect-Protocol-Version \(version.prefix(20)) is not served (only 1)")))
        }
        var timeout: Duration?
        if let text = request.headers[.connectTimeoutMs] {
            guard text.count <= 10, let milliseconds = Int64(text), milliseconds >= 0 else {
                return .failure(
                    Refusal(RPCError(code: .invalidArgument, message: "Connect-Timeout-Ms is a whole number of milliseconds, at most 10 digits")))
            }
            timeout = .milliseconds(milliseconds)
        }
        var metadata = Self.metadata(from: request.headers)
        if metadata["authorization"] == nil, let token = request.cookies[SessionCookie.name]?.value {
            if let refusal = session.refusal(of: request) { return .failure(Refusal(refusal)) }
            metadata["authorization"] = "Bearer \(token)"
        }
        return .success(
            GatewayDispatcher.Request(
                method: method, metadata: metadata, timeout: timeout, remoteAddress: context.remoteAddress, messages: [],
                maxResponseBytes: limits.maxResponseBytes))
    }

    /// The whole body, bounded in size (refused from `Content-Length` before anything is read) and in time.
    static func collectBody(_ request: Request, limits: GatewayConfiguration.Limits) async -> Checked<ByteBuffer> {
        let limit = limits.maxRequestBytes
        if let length = request.headers[.contentLength].flatMap({ Int($0) }), length > limit {
            return .failure(Refusal(RPCError(code: .resourceExhausted, message: "the body of \(length) bytes exceeds the limit of \(limit) bytes")))
        }
        let body = request.body
        let timeout = limits.requestBodyTimeout
        do {
            return .success(
                try await withThrowingTaskGroup(of: ByteBuffer?.self) { group in
                    group.addTask { try await body.collect(upTo: limit) }
                    group.addTask {
                        try await Task.sleep(for: timeout)
                        return nil
                    }
                    defer { group.cancelAll() }
                    guard let first = try await group.next(), let body = first else { throw BodyTimeout() }
                    return body
                })
        } catch is BodyTimeout {
            // The body's read was cancelled, which ends the connection's request stream: the connection closes.
            return .failure(
                Refusal(RPCError(code: .deadlineExceeded, message: "the request body did not arrive within \(timeout)"), status: .requestTimeout))
        } catch let error as HTTPError where error.status == .contentTooLarge {
            return .failure(Refusal(RPCError(code: .resourceExhausted, message: "the body exceeds the limit of \(limit) bytes")))
        } catch {
            return .failure(Refusal(RPCError(code: .invalidArgument, message: "the request body could not be read")))
        }
    }

    private struct BodyTimeout: Error {}

    /// Request headers as call metadata, as Connect passes them: every header but those of HTTP itself, of
    /// Connect, and the cookie (whose session becomes `authorization` only with the CSRF check).
    static func metadata(from headers: HTTPFields) -> Metadata {
        var metadata = Metadata()
        for field in headers {
            let name = field.name.canonicalName
            guard !reservedHeaders.contains(name), !reservedPrefixes.contains(where: name.hasPrefix) else { continue }
            if name.hasSuffix("-bin") {
                guard let bytes = decodeBase64(field.value) else { continue }
                metadata.add(name, bytes: bytes)
            } else {
                metadata.add(name, field.value)
            }
        }
        return metadata
    }

    static let reservedHeaders: Set<String> = [
        "host", "connection", "keep-alive", "transfer-encoding", "te", "upgrade", "cookie", "origin", "referer", "cache-control", "pragma",
        SessionCookie.csrfHeader,
    ]
    static let reservedPrefixes = ["content-", "accept", "connect-", "sec-", "trailer-", "proxy-", "if-"]

    /// Metadata a handler sets never becomes a header that frames or governs the HTTP answer itself.
    static let unsendableHeaders: Set<String> = [
        "content-type", "content-length", "content-encoding", "transfer-encoding", "connection", "keep-alive", "upgrade", "set-cookie",
        "location", "content-security-policy", "x-frame-options", "strict-transport-security",
    ]

    // MARK: Answers

    /// A Connect error answer: the code's HTTP status (or `status`), the JSON error object.
    static func error(_ error: RPCError, status: HTTPResponse.Status? = nil) -> Response {
        Response(
            status: status ?? ConnectError.httpStatus(error.code), headers: [.contentType: "application/json"],
            body: ResponseBody(byteBuffer: ConnectError.json(error)))
    }

    private static func add(_ metadata: Metadata, to headers: inout HTTPFields, prefix: String) {
        for field in metadata where !unsendableHeaders.contains(field.name) {
            guard let name = HTTPField.Name(prefix + field.name) else { continue }
            headers.append(HTTPField(name: name, value: headerValue(field.value)))
        }
    }

    private static func headerValue(_ value: MetadataField.Value) -> String {
        switch value {
        case .text(let text): return text
        case .binary(let bytes): return ConnectError.base64(bytes)
        }
    }

    /// Base64 or base64url, padded or not, as Connect allows.
    private static func decodeBase64(_ text: String) -> [UInt8]? {
        var padded = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while padded.count % 4 != 0 { padded += "=" }
        return Data(base64Encoded: padded).map { Array($0) }
    }

    /// `application/json` of `application/json; charset=utf-8`, lowercased.
    static func mediaType(_ header: String?) -> String? {
        header?.split(separator: ";", maxSplits: 1).first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
    }

    private static func describe(_ failure: ConnectEnvelope.Failure) -> String {
        switch failure {
        case .truncated: return "the body is not whole Connect envelopes (flags byte, 4-byte length, message)"
        case .compressed: return "compressed envelopes are not accepted (send them uncompressed)"
        case .endStreamFromClient: return "a request carries no end-of-stream envelope"
        case .tooMany(let limit): return "this method takes \(limit) request envelope\(limit == 1 ? "" : "s")"
        }
    }
}

/// A value, or why the request is refused instead.
enum Checked<Value> {
    case success(Value)
    case failure(Refusal)
}

/// A request refused before any handler ran: its error, and the HTTP status when not the code's own.
struct Refusal {
    var error: RPCError
    var status: HTTPResponse.Status?

    init(_ error: RPCError, status: HTTPResponse.Status? = nil) {
        self.error = error
        self.status = status
    }

    /// A unary answer: the status and the JSON error. A streaming method's: 200 with the error in the
    /// end-of-stream envelope, as Connect's streaming clients read errors (only a protocol mismatch, 415, is not).
    func response(streaming: Bool = false) -> Response {
        guard streaming, status != .unsupportedMediaType else { return ConnectHandler.error(error, status: status) }
        var body = ByteBuffer()
        let end = ConnectHandler.endOfStream(GatewayDispatcher.Outcome(error: error, response: nil, headers: [:], trailers: error.metadata))
        ConnectEnvelope.write(end, flags: ConnectEnvelope.endStreamFlag, into: &body)
        return Response(
            status: .ok, headers: [.contentType: "application/connect+json", .cacheControl: "private, no-store"],
            body: ResponseBody(byteBuffer: body))
    }
}

extension HTTPField.Name {
    static let connectProtocolVersion = HTTPField.Name("Connect-Protocol-Version")!
    static let connectTimeoutMs = HTTPField.Name("Connect-Timeout-Ms")!
    static let acceptPost = HTTPField.Name("Accept-Post")!
}
