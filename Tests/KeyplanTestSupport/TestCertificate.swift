public import Foundation
import NIOPosix

/// A self-signed certificate for `localhost` and its key, made by openssl in a fresh folder: for the
/// tests' TLS servers (Keyplan's own, the SMTP sink) and the clients that trust it.
public struct TestCertificate: Sendable {
    public let folder: URL
    public var certificate: String { folder.appendingPathComponent("cert.pem").path }
    public var key: String { folder.appendingPathComponent("key.pem").path }

    public static func make() async throws -> TestCertificate {
        let made = TestCertificate(folder: FileManager.default.temporaryDirectory.appendingPathComponent("keyplan-tls-\(UUID().uuidString)"))
        try FileManager.default.createDirectory(at: made.folder, withIntermediateDirectories: true)
        // Waiting for the child blocks a thread: the thread pool's, not one of the concurrency pool's few.
        let status = try await NIOThreadPool.singleton.runIfActive {
            let openssl = Process()
            openssl.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
            openssl.arguments = [
                "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "1",
                "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost", "-keyout", made.key, "-out", made.certificate,
            ]
            openssl.standardError = FileHandle.nullDevice
            try openssl.run()
            openssl.waitUntilExit()
            return openssl.terminationStatus
        }
        guard status == 0 else { throw TestSupportError("openssl could not make a certificate") }
        return made
    }

    public func remove() {
        try? FileManager.default.removeItem(at: folder)
    }
}

/// A fixture that could not be set up.
public struct TestSupportError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
