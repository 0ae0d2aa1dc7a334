import Logging
public import Metrics

/// Logs each call's end: method, status and duration (debug for OK, notice for failures).
public struct LoggingServerInterceptor: ServerInterceptor {
    public init() {}

    public func intercept(context: ServerContext, next: @Sendable (ServerContext) async throws -> Void) async throws {
        let start = ContinuousClock.now
        do {
            try await next(context)
            context.logger.debug("call ended", metadata: ["rpc.code": "OK", "rpc.duration": "\(ContinuousClock.now - start)"])
        } catch {
            let code = (error as? any RPCErrorConvertible)?.rpcError.code ?? (error is CancellationError ? .cancelled : .internal)
            context.logger.notice("call failed", metadata: ["rpc.code": "\(code)", "rpc.duration": "\(ContinuousClock.now - start)"])
            throw error
        }
    }
}

/// Counts calls and times them through swift-metrics: `rpc_server_calls_total` and
/// `rpc_server_call_duration_seconds`, by method and status code.
public struct MetricsServerInterceptor: ServerInterceptor {
    private let factory: any MetricsFactory

    /// - Parameter factory: where metrics go; the bootstrapped `MetricsSystem` by default.
    public init(factory: any MetricsFactory = MetricsSystem.factory) {
        self.factory = factory
    }

    public func intercept(context: ServerContext, next: @Sendable (ServerContext) async throws -> Void) async throws {
        let start = ContinuousClock.now
        var code = StatusCode.ok
        defer {
            let dimensions = [("method", context.method.fullName), ("code", "\(code)")]
            Counter(label: "rpc_server_calls_total", dimensions: dimensions, factory: factory).increment()
            Metrics.Timer(label: "rpc_server_call_duration_seconds", dimensions: dimensions, factory: factory)
                .recordInterval(since: start)
        }
        do {
            try await next(context)
        } catch {
            code = (error as? any RPCErrorConvertible)?.rpcError.code ?? (error is CancellationError ? .cancelled : .internal)
            throw error
        }
    }
}

extension Metrics.Timer {
    fileprivate func recordInterval(since start: ContinuousClock.Instant) {
        let (seconds, attoseconds) = (ContinuousClock.now - start).components
        recordNanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
    }
}
