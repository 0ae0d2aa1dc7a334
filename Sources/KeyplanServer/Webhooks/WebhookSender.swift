import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix

/// One HTTP attempt to deliver an event: checks where the URL leads (``WebhookAddressPolicy``),
/// signs and POSTs the body to the address it checked, and reports how it went. Never throws: a
/// failure is an outcome for the delivery log.
struct WebhookSender: Sendable {
    let configuration: WebhookConfiguration

    /// An event ready to send: the JSON body and what its headers say.
    struct Request: Sendable {
        var url: String
        var secret: String
        var eventID: UUID
        var kind: String
        var attempt: Int
        var body: [UInt8]
    }

    struct Outcome: Sendable {
        var statusCode: Int?
        var error: String?
        var latencyMilliseconds: Int
        var succeeded: Bool { statusCode.map { (200..<300).contains($0) } ?? false }
    }

    /// The answer's body is read and dropped up to this size; the connection is closed after it.
    static let maximumAnswerBytes = 64 * 1024

    /// One attempt, abandoned (and reported as failed) once it has taken ``WebhookConfiguration/attemptTimeout``:
    /// a name that resolves slowly, or a receiver that answers byte by byte, cannot outlast the claim.
    func send(_ request: Request) async -> Outcome {
        let started = ContinuousClock.now
        let limit = configuration.attemptTimeout
        return await withTaskGroup(of: Outcome?.self) { group in
            group.addTask { await attempt(request, started: started) }
            group.addTask {
                guard (try? await Task.sleep(for: limit)) != nil else { return nil }
                return Self.outcome(started: started, status: nil, error: "the attempt took longer than \(limit.wholeSeconds) s and was abandoned")
            }
            let first = await group.next() ?? nil
            group.cancelAll()
            return first ?? Self.outcome(started: started, status: nil, error: "the attempt was cut short")
        }
    }

    private static func outcome(started: ContinuousClock.Instant, status: Int?, error: String?) -> Outcome {
        let elapsed = ContinuousClock.now - started
        let milliseconds = elapsed.components.seconds * 1000 + elapsed.components.attoseconds / 1_000_000_000_000_000
        return Outcome(statusCode: status, error: error.map { $0.clipped(to: 500) }, latencyMilliseconds: Int(milliseconds))
    }

    private func attempt(_ request: Request, started: ContinuousClock.Instant) async -> Outcome {
        func outcome(status: Int?, error: String?) -> Outcome { Self.outcome(started: started, status: status, error: error) }
        let policy = WebhookAddressPolicy(allowPrivateAddresses: configuration.allowPrivateAddresses)
        let url: URL
        let addresses: [SocketAddress]
        do {
            url = try policy.validate(request.url)
            addresses = try await policy.resolve(url)
        } catch {
            return outcome(status: nil, error: "refused: \(error)")
        }
        // Connect to an address just checked, whatever the name resolves to by then; TLS still
        // verifies the certificate against the name (AsyncHTTPClient's DNS override keeps it as
        // SNI). The next address is tried only when no connection could be made, so nothing is sent twice.
        let host = WebhookAddressPolicy.host(of: url)
        let pinned = host.flatMap { WebhookAddressPolicy.numericAddress($0) == nil ? $0 : nil }
        var result: (status: Int?, error: String?, connected: Bool) = (nil, "no address to connect to", false)
        for address in (pinned == nil ? [addresses[0]] : Array(addresses.prefix(4))) {
            var settings = HTTPClient.Configuration()
            settings.redirectConfiguration = .disallow
            settings.decompression = .disabled
            settings.timeout = .init(
                connect: .nanoseconds(configuration.connectTimeout.nanoseconds), read: .nanoseconds(configuration.requestTimeout.nanoseconds))
            if let pinned, let ip = address.ipAddress { settings.dnsOverride = [pinned: ip] }
            // A client per attempt, as the override is the client's: webhooks reuse no connections.
            let client = HTTPClient(eventLoopGroup: MultiThreadedEventLoopGroup.singleton, configuration: settings)
            result = await post(request, with: client)
            try? await client.shutdown()
            if result.connected { break }
        }
        return outcome(status: result.status, error: result.error)
    }

    private func post(_ request: Request, with client: HTTPClient) async -> (status: Int?, error: String?, connected: Bool) {
        var http = HTTPClientRequest(url: request.url)
        http.method = .POST
        let timestamp = Int64(Date().timeIntervalSince1970)
        http.headers.add(name: "Content-Type", value: "application/json")
        http.headers.add(name: "User-Agent", value: "Keyplan-Webhooks/1")
        http.headers.add(name: "Keyplan-Event-Id", value: request.eventID.uuidString.lowercased())
        http.headers.add(name: "Keyplan-Event-Type", value: request.kind)
        http.headers.add(name: "Keyplan-Delivery-Attempt", value: String(request.attempt))
        http.headers.add(
            name: WebhookSignature.header, value: WebhookSignature(secret: request.secret).headerValue(body: request.body, timestamp: timestamp))
        http.body = .bytes(ByteBuffer(bytes: request.body))
        do {
            let response = try await client.execute(http, timeout: .nanoseconds(configuration.requestTimeout.nanoseconds))
            var received = 0
            for try await chunk in response.body {
                received += chunk.readableBytes
                if received > Self.maximumAnswerBytes { break }
            }
            let status = Int(response.status.code)
            return (status, (200..<300).contains(status) ? nil : "the receiver answered \(status)", true)
        } catch {
            return (nil, Self.describe(error), !Self.isConnectionFailure(error))
        }
    }

    /// Whether no connection was made (so nothing was sent).
    private static func isConnectionFailure(_ error: any Error) -> Bool {
        if error is NIOConnectionError { return true }
        if let error = error as? IOError { return [ECONNREFUSED, ENETUNREACH, EHOSTUNREACH, EADDRNOTAVAIL].contains(error.errnoCode) }
        if let error = error as? HTTPClientError, error == .connectTimeout { return true }
        return false
    }

    private static func describe(_ error: any Error) -> String {
        if let error = error as? HTTPClientError {
            switch error {
            case .connectTimeout: return "the connection timed out"
            case .readTimeout, .deadlineExceeded: return "the receiver did not answer in time"
            case .remoteConnectionClosed: return "the receiver closed the connection"
            default: return "\(error)"
            }
        }
        return "could not deliver: \(error)"
    }
}
