import Foundation

/// `webhook_receiver.py` on a free loopback port (`/usr/bin/python3`): a real HTTP receiver
/// that checks signatures by the documented recipe on its own, answers as a test scripts it, and
/// tells what it received.
final class WebhookReceiver: Sendable {
    /// One request as the receiver saw it.
    struct Received: Decodable, Sendable {
        var path: String
        var headers: [String: String]
        var body: String
        /// The receiver's own verdict on `Keyplan-Signature`; `nil` when it has no secret for the path.
        var signature_valid: Bool?
        var status: Int

        var json: [String: Any] { (try? JSONSerialization.jsonObject(with: Data(body.utf8))) as? [String: Any] ?? [:] }
    }

    let port: Int
    private let process: Process
    private let input: Pipe

    init() throws {
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("webhook_receiver.py")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        process.arguments = [script.path]
        let input = Pipe(), output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        try process.run()
        var line = Data()
        while let byte = try output.fileHandleForReading.read(upToCount: 1), !byte.isEmpty, byte != Data("\n".utf8) { line.append(byte) }
        guard let port = Int(String(decoding: line, as: UTF8.self)) else {
            process.terminate()
            throw LoopbackHTTP.Failure(description: "the webhook receiver did not start")
        }
        self.port = port
        self.process = process
        self.input = input
    }

    /// `http://localhost:<port>/<name>`: a name, so a delivery resolves it and connects to the address it checked.
    func url(_ name: String) -> String { "http://localhost:\(port)/\(name)" }

    func stop() {
        try? input.fileHandleForWriting.close()
        process.terminate()
        process.waitUntilExit()
    }

    /// Verifies requests to `/<name>` with `secret` from now on.
    func verify(_ name: String, with secret: String) async throws { try await post("/_secret/\(name)", secret) }

    /// `/<name>` answers these statuses in turn, the last one from then on.
    func script(_ name: String, _ statuses: [Int]) async throws {
        try await post("/_script/\(name)", statuses.map(String.init).joined(separator: ","))
    }

    func received(_ name: String? = nil) async throws -> [Received] {
        let response = try await LoopbackHTTP.request("GET", port: port, path: "/_received")
        let all = try JSONDecoder().decode([Received].self, from: Data(response.body))
        return name.map { name in all.filter { $0.path == "/\(name)" } } ?? all
    }

    /// The requests to `/<name>` once there are at least `count` (within `timeout`).
    func await(_ count: Int, at name: String, within timeout: Duration = .seconds(20)) async throws -> [Received] {
        let deadline = ContinuousClock.now + timeout
        while true {
            let received = try await received(name)
            if received.count >= count || ContinuousClock.now > deadline { return received }
            try await Task.sleep(for: .milliseconds(100))
        }
    }

    private func post(_ path: String, _ body: String) async throws {
        _ = try await LoopbackHTTP.request("POST", port: port, path: path, body: Array(body.utf8))
    }

    /// Runs `body` with a receiver, then stops it.
    static func with<Result>(_ body: (WebhookReceiver) async throws -> Result) async throws -> Result {
        let receiver = try WebhookReceiver()
        defer { receiver.stop() }
        return try await body(receiver)
    }
}
