/// A reference to a coder's state that copies without retaining.
///
/// The standard library copies containers and encoders into its boxes and existentials on every call; a strong
/// reference in them would be retained and released each time, which costs more than the work of most fields.
/// The state is created and held by the public `encode`/`decode` call and outlives every encoder, decoder and
/// container it hands out (the `Codable` contract forbids keeping them after `encode(to:)`/`init(from:)` returns).
struct UnretainedReference<Object: AnyObject> {
    private let unmanaged: Unmanaged<Object>

    init(_ object: borrowing Object) {  // borrowing: an initializer would otherwise take a retained reference
        self.unmanaged = Unmanaged.passUnretained(object)
    }

    /// The object, retained for the caller's use (for cold paths).
    var object: Object { self.unmanaged.takeUnretainedValue() }

    /// Runs `body` with the object borrowed, neither retained nor released (for hot paths).
    @inline(__always)
    func withObject<Result>(_ body: (Object) throws -> Result) rethrows -> Result {
        try self.unmanaged._withUnsafeGuaranteedRef(body)
    }
}
