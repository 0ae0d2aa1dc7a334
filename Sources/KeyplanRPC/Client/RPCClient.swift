public import Logging
import NIOConcurrencyHelpers
public import NIOCore
public import NIOPosix
import NIOSSL

/// An `async`/`await` client for a Keyplan RPC server.
///
/// One client keeps one connection, shared by all its concurrent calls, opened on the first call
/// and reopened with backoff when the server goes away. A call's deadline and metadata come from
/// its ``CallOptions``; cancelling the calling task cancels the call. Every failure is thrown as
/// an ``RPCError`` carrying the status, message and details. For more parallelism than one
/// connection gives (e.g. a benchmark), use several clients.
public final class RPCClient: Sendable {
    private enum ConnectionState {
        case idle
        case connecting(Task<ClientConnection, any Error>)
        case ready(ClientConnection)
        case closed
    }

    private let configuration: ClientConfiguration
    private let interceptors: [any ClientInterceptor]
    private let group: any EventLoopGroup
    private let logger: Logger
    private let state = NIOLockedValueBox(ConnectionState.idle)
    /// This client's connection handlers still alive (a closed connection leaves none).
    let connectionHandlers = LiveObjects()
    private let sslContext = NIOLockedValueBox<NIOSSLContext?>(nil)

    /// - Parameter interceptors: run around every call, the first outermost.
    public init(
        configuration: ClientConfiguration,
        interceptors: [any ClientInterceptor] = [],
        logger: Logger = Logger(label: "keyplan.rpc.client"),
        eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton
    ) {
        self.configuration = configuration
        self.interceptors = interceptors
        self.logger = logger
        self.group = eventLoopGroup
    }

    // MARK: Calls

    /// Makes a unary call and returns the response message.
    public func unary<Request, Response>(
        _ method: RPCMethod<Request, Response>, request: Request, options: CallOptions = .defaults
    ) async throws -> Response {
        try await unaryCall(method, request: request, options: options).message
    }

    /// Makes a unary call and returns the response with its metadata.
    public func unaryCall<Request, Response>(
        _ method: RPCMethod<Request, Response>, request: Request, options: CallOptions = .defaults
    ) async throws -> ClientResponse<Response> {
        let serializer = method.request.serializer
        return try await withCall(method, options: options, singleRequest: { try serializer.serialize(request, into: &$0) }) { call in
            let message = try await call.responses(method.response.deserializer).single(code: .internal, what: "response")
            return ClientResponse(message: message, headers: call.initialMetadata, trailers: call.trailers)
        }
    }

    /// Makes a server-streaming call; `body` reads the responses as they arrive. The call is
    /// cancelled if `body` returns before the stream ends.
    public func serverStreaming<Request, Response, Result: Sendable>(
        _ method: RPCMethod<Request, Response>, request: Request, options: CallOptions = .defaults,
        body: (StreamingResponse<Response>) async throws -> Result
    ) async throws -> Result {
        let serializer = method.request.serializer
        return try await withCall(method, options: options, singleRequest: { try serializer.serialize(request, into: &$0) }) { call in
            try await body(StreamingResponse(call: call, deserializer: method.response.deserializer))
        }
    }

    /// Makes a client-streaming call: `requests` writes the requests, then the one response is
    /// returned.
    public func clientStreaming<Request, Response>(
        _ method: RPCMethod<Request, Response>, options: CallOptions = .defaults,
        requests: (MessageWriter<Request>) async throws -> Void
    ) async throws -> ClientResponse<Response> {
        try await withCall(method, options: options, singleRequest: nil) { call in
            try await requests(MessageWriter(sink: call, serializer: method.request.serializer))
            try call.halfClose()
            let message = try await call.responses(method.response.deserializer).single(code: .internal, what: "response")
            return ClientResponse(message: message, headers: call.initialMetadata, trailers: call.trailers)
        }
    }

    /// Makes a bidirectional-streaming call: `requests` writes the requests concurrently with
    /// `body` reading the responses.
    public func bidirectionalStreaming<Request, Response, Result: Sendable>(
        _ method: RPCMethod<Request, Response>, options: CallOptions = .defaults,
        requests: @escaping @Sendable (MessageWriter<Request>) async throws -> Void,
        body: (StreamingResponse<Response>) async throws -> Result
    ) async throws -> Result {
        try await withCall(method, options: options, singleRequest: nil) { call in
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    try await requests(MessageWriter(sink: call, serializer: method.request.serializer))
                    try call.halfClose()
                }
                let result = try await body(StreamingResponse(call: call, deserializer: method.response.deserializer))
                try await group.waitForAll()
                return result
            }
        }
    }

    /// Runs one call inside the interceptors, on a live connection, cancelling it if the task is
    /// cancelled or `body` leaves before the end.
    private func withCall<Request, Response, Result: Sendable>(
        _ method: RPCMethod<Request, Response>, options: CallOptions,
        singleRequest: ((inout ByteBuffer) throws -> Void)?,
        body: (ClientCall) async throws -> Result
    ) async throws -> Result {
        let context = ClientContext(method: method.descriptor, metadata: options.metadata, deadline: options.timeout.map(Deadline.after))
        return try await interceptors.run(context: context) { context in
            var attempt = 1
            while true {
                do {
                    return try await perform(context, singleRequest: singleRequest, body: body)
                } catch let error as UnsentCall where attempt < 3 {
                    // The connection closed, or the server went away, before the call was
                    // processed: it can go out again on a new connection.
                    logger.debug("retrying a call the server did not process", metadata: ["error": "\(error.error)"])
                    attempt += 1
                } catch let error as UnsentCall {
                    throw error.error
                }
            }
        }
    }

    /// A call that failed before the server could process it.
    private struct UnsentCall: Error {
        let error: RPCError
    }

    private func perform<Result: Sendable>(
        _ context: ClientContext, singleRequest: ((inout ByteBuffer) throws -> Void)?,
        body: (ClientCall) async throws -> Result
    ) async throws -> Result {
        try Task.checkCancellation()
        let connection = try await self.connection(before: context.deadline)
        let call = try connection.openCall(context.method, metadata: context.metadata, deadline: context.deadline, singleRequest: singleRequest)
        do {
            let result = try await withTaskCancellationHandler {
                try await body(call)
            } onCancel: {
                call.cancel()
            }
            // A body that stopped reading early leaves the call open: end it.
            call.cancel()
            return result
        } catch let error as RPCError {
            call.cancel()
            // Only single-request calls are retried: their body has only been reading, and
            // there was nothing to read.
            if singleRequest != nil, error.code == .unavailable, !call.mayHaveBeenProcessed { throw UnsentCall(error: error) }
            throw error
        } catch is CancellationError {
            call.cancel()
            throw RPCError(code: .cancelled, message: "the call was cancelled")
        } catch {
            call.cancel()
            throw error
        }
    }

    // MARK: Connection

    /// Connects now rather than on the first call.
    public func connect() async throws {
        _ = try await connection()
    }

    /// Closes the connection; calls still running fail with UNAVAILABLE. Later calls fail too.
    public func close() async {
        let previous = state.withLockedValue { state in
            defer { state = .closed }
            return state
        }
        switch previous {
        case .ready(let connection): await connection.close()
        case .connecting(let task):
            task.cancel()
            (try? await task.value).map { _ = $0.channel.close() }
        case .idle, .closed: break
        }
    }

    /// The connection, or DEADLINE_EXCEEDED once `deadline` passes first: a server that accepts
    /// the connection but never answers must not hold a call past its deadline. (The connecting
    /// task is shared by the calls that wait for it, so it goes on for them; this call stops waiting.)
    private func connection(before deadline: Deadline?) async throws -> ClientConnection {
        guard let deadline, readyConnection == nil else { return try await connection() }
        let outcome = NIOLockedValueBox<CheckedContinuation<ClientConnection, any Error>?>(nil)
        func finish(_ result: Result<ClientConnection, any Error>) {
            outcome.withLockedValue { continuation in
                defer { continuation = nil }
                return continuation
            }?.resume(with: result)
        }
        return try await withCheckedThrowingContinuation { continuation in
            outcome.withLockedValue { $0 = continuation }
            let timer = Task {
                guard (try? await Task.sleep(until: deadline.instant, clock: .continuous)) != nil else { return }
                finish(.failure(RPCError(code: .deadlineExceeded, message: "no connection to the server within the call's deadline")))
            }
            Task {
                do {
                    finish(.success(try await self.connection()))
                } catch {
                    finish(.failure(error))
                }
                timer.cancel()
            }
        }
    }

    /// The connection when one is up and taking calls (no waiting).
    private var readyConnection: ClientConnection? {
        state.withLockedValue { state in
            if case .ready(let connection) = state, connection.state.isAcceptingCalls { return connection }
            return nil
        }
    }

    private func connection() async throws -> ClientConnection {
        enum Next { case use(ClientConnection), wait(Task<ClientConnection, any Error>), fail }
        let next: Next = state.withLockedValue { state in
            switch state {
            case .ready(let connection) where connection.state.isAcceptingCalls:
                return .use(connection)
            case .connecting(let task):
                return .wait(task)
            case .closed:
                return .fail
            case .idle, .ready:
                let task = Task { try await self.connectWithBackoff() }
                state = .connecting(task)
                return .wait(task)
            }
        }
        switch next {
        case .use(let connection): return connection
        case .fail: throw RPCError.unavailable("the client is closed")
        case .wait(let task): return try await task.value
        }
    }

    private func connectWithBackoff() async throws -> ClientConnection {
        var attempt = 0
        while true {
            attempt += 1
            do {
                let connection = try await ClientConnection.connect(
                    configuration: configuration, group: group, sslContext: try await makeSSLContext(), live: connectionHandlers,
                    onStop: { [weak self] in self?.connectionStopped() })
                let kept = state.withLockedValue { state -> Bool in
                    guard case .connecting = state else { return false }
                    state = .ready(connection)
                    return true
                }
                guard kept else {
                    await connection.close()
                    throw RPCError.unavailable("the client is closed")
                }
                logger.debug("connected", metadata: ["server": "\(configuration.host):\(configuration.port)", "attempt": "\(attempt)"])
                return connection
            } catch {
                guard attempt < configuration.backoff.maxAttempts, !Task.isCancelled else {
                    state.withLockedValue { state in
                        if case .connecting = state { state = .idle }
                    }
                    throw RPCError.unavailable("cannot connect to \(configuration.host):\(configuration.port) after \(attempt) attempts: \(error)")
                }
                let delay = configuration.backoff.delay(beforeRetry: attempt)
                logger.debug("connect failed, retrying", metadata: ["error": "\(error)", "delay": "\(delay)"])
                try? await Task.sleep(for: delay)
            }
        }
    }

    /// The connection stopped taking calls (GOAWAY, closed): the next call reconnects.
    private func connectionStopped() {
        state.withLockedValue { state in
            if case .ready(let connection) = state, !connection.state.isAcceptingCalls { state = .idle }
        }
    }

    private func makeSSLContext() async throws -> NIOSSLContext? {
        guard let tls = configuration.tls else { return nil }
        if let context = sslContext.withLockedValue({ $0 }) { return context }
        // Reading the trust roots is file I/O: keep it off the event loops and the cooperative pool.
        let context = try await NIOThreadPool.singleton.runIfActive {
            var tlsConfiguration = TLSConfiguration.makeClientConfiguration()
            if let path = tls.trustRootsPath {
                tlsConfiguration.trustRoots = .certificates(try NIOSSLCertificate.fromPEMFile(path))
            }
            if !tls.verifyCertificate { tlsConfiguration.certificateVerification = .none }
            return try NIOSSLContext(configuration: tlsConfiguration)
        }
        sslContext.withLockedValue { $0 = context }
        return context
    }
}

/// A single response with the server's initial metadata and trailers.
public struct ClientResponse<Message: Sendable>: Sendable {
    public var message: Message
    public var headers: Metadata
    public var trailers: Metadata
}

/// The responses of a streaming call, with its metadata.
public struct StreamingResponse<Message: Sendable>: Sendable {
    let call: ClientCall
    /// The response messages; iteration throws the call's ``RPCError`` if it fails.
    public let messages: MessageStream<Message>

    init(call: ClientCall, deserializer: any MessageDeserializer<Message>) {
        self.call = call
        self.messages = call.responses(deserializer)
    }

    /// The server's initial metadata: available once the first message (or the end) arrived.
    public var headers: Metadata { call.initialMetadata }
    /// The server's trailers: available once `messages` has ended.
    public var trailers: Metadata { call.trailers }
}
