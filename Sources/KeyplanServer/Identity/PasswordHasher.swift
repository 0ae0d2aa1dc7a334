import Crypto
import CryptoExtras
import Foundation
public import NIOPosix

/// Hashes and verifies passwords with scrypt, on a thread pool (never an event loop or the
/// cooperative pool: one hash takes tens of milliseconds by design).
///
/// The stored form is PHC-like and carries its parameters, so they can be raised later while
/// old hashes still verify: `$scrypt$ln=15,r=8,p=1$<salt base64>$<hash base64>`.
public struct PasswordHasher: Sendable {
    /// scrypt's cost parameters.
    public struct Parameters: Sendable, Hashable {
        /// log2 of scrypt's N (CPU/memory cost). Default 15 (N = 32768, 32 MiB with r = 8), OWASP's minimum.
        public var logRounds: Int
        /// Block size r. Default 8.
        public var blockSize: Int
        /// Parallelism p. Default 1.
        public var parallelism: Int

        public init(logRounds: Int, blockSize: Int, parallelism: Int) {
            self.logRounds = logRounds
            self.blockSize = blockSize
            self.parallelism = parallelism
        }

        /// N = 2^15, r = 8, p = 1.
        public static var defaults: Parameters { Parameters(logRounds: 15, blockSize: 8, parallelism: 1) }
        /// Cheap parameters for tests only (N = 2^4): never use them in production.
        public static var insecureForTesting: Parameters { Parameters(logRounds: 4, blockSize: 8, parallelism: 1) }
    }

    /// Passwords shorter than this are refused (NIST SP 800-63B's minimum).
    public static let minimumLength = 8
    /// Longer passwords are refused, bounding the work one request can cause.
    public static let maximumLength = 1024

    public let parameters: Parameters
    private let threads: NIOThreadPool

    public init(parameters: Parameters = .defaults, threads: NIOThreadPool = .singleton) {
        self.parameters = parameters
        self.threads = threads
    }

    /// The stored form of a new password, with a fresh 16-byte salt.
    public func hash(_ password: String) async throws -> String {
        let parameters = self.parameters
        let salt = SymmetricKey(size: .bits128).withUnsafeBytes { Array($0) }
        let derived = try await threads.runIfActive {
            try Self.derive(password, salt: salt, parameters: parameters)
        }
        return "$scrypt$ln=\(parameters.logRounds),r=\(parameters.blockSize),p=\(parameters.parallelism)"
            + "$\(Data(salt).base64EncodedString())$\(Data(derived).base64EncodedString())"
    }

    /// Whether `password` matches `stored`, compared in constant time. A malformed stored value
    /// never matches.
    public func verify(_ password: String, against stored: String) async throws -> Bool {
        guard let decoded = StoredHash(stored) else { return false }
        let derived = try await threads.runIfActive {
            try Self.derive(password, salt: decoded.salt, parameters: decoded.parameters, outputByteCount: decoded.hash.count)
        }
        return constantTimeEquals(derived, decoded.hash)
    }

    /// Spends the time of one verification, so that a sign-in for an unknown user takes as long
    /// as one with a wrong password and does not reveal which emails exist.
    public func verifyNothing(_ password: String) async throws {
        _ = try await verify(password, against: decoyHash)
    }

    /// A hash of nothing in particular, at the configured cost.
    private var decoyHash: String {
        "$scrypt$ln=\(parameters.logRounds),r=\(parameters.blockSize),p=\(parameters.parallelism)"
            + "$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="
    }

    private static func derive(_ password: String, salt: [UInt8], parameters: Parameters, outputByteCount: Int = 32) throws -> [UInt8] {
        let key = try KDF.Scrypt.deriveKey(
            from: Array(password.utf8), salt: salt, outputByteCount: outputByteCount,
            rounds: 1 << parameters.logRounds, blockSize: parameters.blockSize, parallelism: parameters.parallelism)
        return key.withUnsafeBytes { Array($0) }
    }

    /// A stored hash taken apart; `nil` unless well-formed with sane parameters.
    private struct StoredHash {
        var parameters: Parameters
        var salt: [UInt8]
        var hash: [UInt8]

        init?(_ text: String) {
            let parts = text.split(separator: "$", omittingEmptySubsequences: false)
            guard parts.count == 5, parts[0].isEmpty, parts[1] == "scrypt" else { return nil }
            var values: [String: Int] = [:]
            for pair in parts[2].split(separator: ",") {
                let keyValue = pair.split(separator: "=")
                guard keyValue.count == 2, let value = Int(keyValue[1]) else { return nil }
                values[String(keyValue[0])] = value
            }
            guard let logRounds = values["ln"], (1...22).contains(logRounds),
                let blockSize = values["r"], (1...32).contains(blockSize),
                let parallelism = values["p"], (1...16).contains(parallelism),
                let salt = Data(base64Encoded: String(parts[3])), !salt.isEmpty,
                let hash = Data(base64Encoded: String(parts[4])), (16...64).contains(hash.count)
            else { return nil }
            self.parameters = Parameters(logRounds: logRounds, blockSize: blockSize, parallelism: parallelism)
            self.salt = Array(salt)
            self.hash = Array(hash)
        }
    }
}

/// Whether two byte strings are equal, in time that depends only on their lengths.
func constantTimeEquals(_ a: [UInt8], _ b: [UInt8]) -> Bool {
    guard a.count == b.count else { return false }
    var difference: UInt8 = 0
    for index in a.indices {
        difference |= a[index] ^ b[index]
    }
    return difference == 0
}
