/// How the server delivers webhooks: which addresses it may call, its timeouts, retries and
/// pace. The defaults suit production; tests shorten the delays and allow loopback.
public struct WebhookConfiguration: Sendable {
    /// Allows endpoints on loopback and private addresses (RFC 1918, CGNAT, ULA) and over plain
    /// `http`: for development, tests and receivers inside the operator's own network. Link-local
    /// (cloud metadata), unspecified, multicast and reserved addresses stay refused regardless.
    public var allowPrivateAddresses: Bool
    /// Attempts per delivery before it is given up (dead).
    public var maximumAttempts: Int
    /// The waits between attempts: `retryDelay` before the second, doubling for each later one up
    /// to `maximumRetryDelay`, drawn between half and all of that.
    public var retry: RetryBackoff
    public var connectTimeout: Duration
    /// From the request's start to the whole answer.
    public var requestTimeout: Duration
    /// How often each server process looks for due deliveries.
    public var pollInterval: Duration
    /// Deliveries in flight per server process, and per endpoint across processes: a slow
    /// receiver holds at most its own share.
    public var concurrentDeliveries: Int
    public var concurrentDeliveriesPerEndpoint: Int

    public init(
        allowPrivateAddresses: Bool = false, maximumAttempts: Int = 8, retryDelay: Duration = .seconds(30),
        maximumRetryDelay: Duration = .seconds(6 * 3600), connectTimeout: Duration = .seconds(5), requestTimeout: Duration = .seconds(15),
        pollInterval: Duration = .seconds(1), concurrentDeliveries: Int = 32, concurrentDeliveriesPerEndpoint: Int = 4
    ) {
        self.allowPrivateAddresses = allowPrivateAddresses
        self.maximumAttempts = maximumAttempts
        self.retry = RetryBackoff(first: retryDelay, maximum: maximumRetryDelay, jitter: 0.5...1)
        self.connectTimeout = connectTimeout
        self.requestTimeout = requestTimeout
        self.pollInterval = pollInterval
        self.concurrentDeliveries = concurrentDeliveries
        self.concurrentDeliveriesPerEndpoint = concurrentDeliveriesPerEndpoint
    }

    public static let defaults = WebhookConfiguration()

    /// The most one attempt may take, from resolving the name to the answer's end: the connection,
    /// the request, and time for the name's lookup. An attempt that takes longer is abandoned.
    var attemptTimeout: Duration { connectTimeout + requestTimeout + .seconds(10) }

    /// A claim outlives the longest attempt, so no other process takes a delivery in flight.
    var lease: Duration { attemptTimeout + .seconds(30) }
}
