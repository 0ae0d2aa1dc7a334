import NIOPosix

/// Runs blocking work (file-system calls, waiting for a process) on NIO's blocking-I/O thread
/// pool, so it never holds a thread of Swift's cooperative pool.
func blockingIO<Value: Sendable>(_ body: @escaping @Sendable () throws -> Value) async throws -> Value {
    try await NIOThreadPool.singleton.runIfActive(body)
}
