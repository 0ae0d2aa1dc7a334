import Foundation
import NIOCore
import NIOHTTP1

/// One HTTP/1.1 request to a loopback server and its whole answer, on a connection of its own
/// (`Connection: close`): what the WebDriver client needs.
///
/// Foundation's `URLSession` on Linux cannot talk to chromedriver: its libcurl header callback
/// rejects chromedriver's header lines, which have no space after the colon (`Content-Length:251`),
/// with "Failed writing header" (async and completion-handler forms alike). NIO's parser takes them,
/// so this goes through ``HTTPTestClient``.
enum LoopbackHTTP {
    struct Response: Sendable {
        let status: Int
        /// Header names lowercased.
        let headers: [(name: String, value: String)]
        let body: [UInt8]

        var text: String { String(decoding: body, as: UTF8.self) }
        func header(_ name: String) -> String? { headers.first { $0.name == name.lowercased() }?.value }
    }

    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    static func request(
        _ method: String, port: Int, path: String, headers: [(String, String)] = [], body: [UInt8] = [], timeout: TimeAmount = .seconds(60)
    ) async throws -> Response {
        let client = try await HTTPTestClient(port: port)
        let sendsBody = method != "GET" && method != "DELETE"
        let answer = try await withThrowingTaskGroup(of: HTTPTestClient.Answer?.self) { group in
            group.addTask {
                try await client.send(
                    HTTPMethod(rawValue: method), path, headers: headers + [("Connection", "close")],
                    body: sendsBody ? ByteBuffer(bytes: body) : nil)
            }
            group.addTask {
                try await Task.sleep(for: .nanoseconds(timeout.nanoseconds))
                return nil
            }
            defer { group.cancelAll() }
            let first = try await group.next() ?? nil
            await client.close()
            guard let first else { throw Failure(description: "no answer from 127.0.0.1:\(port)\(path) within \(timeout)") }
            return first
        }
        return Response(
            status: answer.status, headers: answer.headers.map { (name: $0.name.lowercased(), value: $0.value) },
            body: Array(answer.body.readableBytesView))
    }
}
