#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// One spare coder state per thread, so that a call starts with the previous call's buffers, level slots and
/// strategy cache instead of allocating and looking all of them up again.
///
/// A call takes the spare (leaving none, so that a nested call on the same thread makes its own) and puts its state
/// back when done. `encode`/`decode` never suspend, so a state is only ever used by the thread that took it.
final class SpareCoderState<State: AnyObject>: Sendable {
    /// The thread-specific slot; nil if the process ran out of them, and then every call makes its own state.
    private let key: pthread_key_t?

    init() {
        var key = pthread_key_t()
        // The thread's spare is released when the thread exits.
        let status = pthread_key_create(&key) { spare in
            guard let spare else { return }
            Unmanaged<AnyObject>.fromOpaque(spare).release()
        }
        self.key = status == 0 ? key : nil
    }

    /// The calling thread's spare state, if it has one, which it no longer holds.
    @inline(__always)
    func take() -> State? {
        guard let key = self.key, let spare = pthread_getspecific(key) else { return nil }
        pthread_setspecific(key, nil)
        return Unmanaged<State>.fromOpaque(spare).takeRetainedValue()
    }

    /// Keeps `state` as the calling thread's spare, unless a nested call already put one back.
    @inline(__always)
    func put(_ state: State) {
        guard let key = self.key, pthread_getspecific(key) == nil else { return }
        pthread_setspecific(key, Unmanaged.passRetained(state).toOpaque())
    }
}
