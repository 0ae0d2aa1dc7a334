public import Foundation
import NIOPosix

/// `smtp_sink.py` as a subprocess: a real SMTP server (aiosmtpd) on a free port, recording what it receives
/// in a folder of its own.
public struct SMTPSink: Sendable {
    public struct Options: Sendable {
        /// Offer and require STARTTLS with this certificate.
        public var certificate: TestCertificate?
        /// Speak TLS with ``certificate`` from the first byte instead.
        public var implicitTLS = false
        /// Require AUTH with `user:password`.
        public var auth: String?
        /// Offer AUTH before TLS, too (a careless relay, for the client to refuse).
        public var authOverPlainText = false
        /// `CODE:N`: answer the first N RCPT (0: all) with CODE.
        public var failRecipients: String?
        /// `CODE:N`: answer the first N DATA (0: all) with CODE.
        public var failData: String?
        /// Seconds to wait before answering DATA's final dot (a relay that is slow to accept).
        public var dataDelay: Double?

        public init(
            certificate: TestCertificate? = nil, implicitTLS: Bool = false, auth: String? = nil, authOverPlainText: Bool = false,
            failRecipients: String? = nil, failData: String? = nil, dataDelay: Double? = nil
        ) {
            self.certificate = certificate
            self.implicitTLS = implicitTLS
            self.auth = auth
            self.authOverPlainText = authOverPlainText
            self.failRecipients = failRecipients
            self.failData = failData
            self.dataDelay = dataDelay
        }
    }

    /// What the sink received, as Python's `email` package parsed it.
    public struct Received: Decodable, Sendable {
        public struct Part: Decodable, Sendable {
            public let contentType: String
            public let charset: String?
            public let transferEncoding: String?
            public let content: String
        }

        public let mailFrom: String
        public let mailOptions: [String]
        public let recipients: [String]
        public let tls: Bool
        public let login: String?
        public let raw: String
        public let headers: [[String]]
        public let addresses: [String: [[String]]]
        public let parts: [Part]
        public let defects: [String]

        public var rawText: String { String(decoding: Data(base64Encoded: raw) ?? Data(), as: UTF8.self) }
        public var headerNames: [String] { headers.map { $0[0] } }
        public func header(_ name: String) -> String? { headers.first { $0[0].lowercased() == name.lowercased() }?[1] }
    }

    public struct AuthAttempt: Decodable, Sendable {
        public let mechanism: String
        public let login: String?
        public let tls: Bool
    }

    public let folder: URL
    public let port: Int

    public static func run<Result>(_ options: Options = Options(), _ body: (SMTPSink) async throws -> Result) async throws -> Result {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("keyplan-smtp-sink-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }

        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("smtp_sink.py")
        var arguments = [script.path, "--folder", folder.path]
        if let certificate = options.certificate { arguments += ["--certificate", certificate.certificate, "--key", certificate.key] }
        if options.implicitTLS { arguments.append("--implicit-tls") }
        if let auth = options.auth { arguments += ["--auth", auth] }
        if options.authOverPlainText { arguments.append("--auth-over-plain") }
        if let failure = options.failRecipients { arguments += ["--fail-rcpt", failure] }
        if let failure = options.failData { arguments += ["--fail-data", failure] }
        if let delay = options.dataDelay { arguments += ["--data-delay", "\(delay)"] }

        let process = Process()
        // Debian's python3-aiosmtpd is installed for the system's interpreter, whatever else is on the PATH.
        process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        process.arguments = arguments
        // The sink exits when this pipe closes: at the end of the test, or when the test process dies, so no
        // sink outlives its test run (and keeps `swift test`'s output pipe open).
        let input = Pipe()
        process.standardInput = input
        try process.run()
        defer {
            try? input.fileHandleForWriting.close()
            process.terminate()
        }

        let portFile = folder.appendingPathComponent("port")
        var port: Int?
        for _ in 0..<500 where port == nil {
            if let text = try? String(contentsOf: portFile, encoding: .utf8) { port = Int(text) }
            guard process.isRunning else { break }
            if port == nil { try await Task.sleep(for: .milliseconds(20)) }
        }
        guard let listening = port else {
            throw TestSupportError("smtp_sink.py did not start; is python3-aiosmtpd installed? (scripts/install-system-packages tests)")
        }
        return try await body(SMTPSink(folder: folder, port: listening))
    }

    public func messages() throws -> [Received] {
        try files("message").map { try JSONDecoder().decode(Received.self, from: Data(contentsOf: $0)) }
    }

    public func authAttempts() throws -> [AuthAttempt] {
        try files("auth").map { try JSONDecoder().decode(AuthAttempt.self, from: Data(contentsOf: $0)) }
    }

    private func files(_ prefix: String) throws -> [URL] {
        try FileManager.default.contentsOfDirectory(at: folder, includingPropertiesForKeys: nil)
            .filter { $0.lastPathComponent.hasPrefix(prefix + "-") && $0.pathExtension == "json" }
            .sorted { $0.lastPathComponent.localizedStandardCompare($1.lastPathComponent) == .orderedAscending }
    }
}
