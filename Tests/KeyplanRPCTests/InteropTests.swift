import KeyplanRPC
import KeyplanWire
import NIOCore
import Testing

/// The equivalents of gRPC's interoperability test cases, over loopback, real server and client.
@Suite("Interop cases")
struct InteropTests {
    @Test("empty unary")
    func emptyUnary() async throws {
        try await withServerAndClient { _, client in
            let response = try await client.unary(TestMethods.emptyCall, request: [])
            #expect(response.isEmpty)
        }
    }

    @Test("large unary near the 4 MiB frame limit, both ways")
    func largeUnary() async throws {
        try await withServerAndClient { _, client in
            let size = Int(FrameParser.defaultMaxFrameSize) - 16
            var request = [UInt8](repeating: 1, count: size)
            request.replaceSubrange(0..<4, with: [UInt8](withUnsafeBytes(of: UInt32(size).bigEndian) { Array($0) }))
            let response = try await client.unary(TestMethods.largeUnary, request: request)
            #expect(response.count == size)
            #expect(response.allSatisfy { $0 == 0x5A })
        }
    }

    @Test("a request over the server's frame limit fails on the client with RESOURCE_EXHAUSTED, unsent")
    func oversizeRequest() async throws {
        try await withServerAndClient { _, client in
            let request = [UInt8](repeating: 0, count: Int(FrameParser.defaultMaxFrameSize) + 1)
            let error = await #expect(throws: RPCError.self) { try await client.unary(TestMethods.largeUnary, request: request) }
            #expect(error?.code == .resourceExhausted)
            // The connection is fine afterwards.
            let after = try await client.unary(TestMethods.emptyCall, request: [])
            #expect(after == [])
        }
    }

    @Test("client streaming")
    func clientStreaming() async throws {
        try await withServerAndClient { _, client in
            let sizes = [27182, 8, 1828, 45904]
            let response = try await client.clientStreaming(TestMethods.streamingInput) { writer in
                for size in sizes { try await writer.write([UInt8](repeating: 0, count: size)) }
            }
            #expect(response.message.number == Int64(sizes.reduce(0, +)))
        }
    }

    @Test("server streaming")
    func serverStreaming() async throws {
        try await withServerAndClient { _, client in
            let received = try await client.serverStreaming(TestMethods.streamingOutput, request: TestMessage(number: 50, text: "x")) { response in
                var numbers: [Int64] = []
                for try await message in response.messages { numbers.append(message.number) }
                return numbers
            }
            #expect(received == Array(0..<50))
        }
    }

    @Test("ping-pong: each request answered before the next is sent")
    func pingPong() async throws {
        try await withServerAndClient { _, client in
            let (requests, continuation) = AsyncStream.makeStream(of: TestMessage.self)
            let answers = try await client.bidirectionalStreaming(TestMethods.fullDuplex) { writer in
                for await request in requests { try await writer.write(request) }
            } body: { response in
                var answers: [String] = []
                var iterator = response.messages.makeAsyncIterator()
                for word in ["ping", "pang", "pong", "peng"] {
                    continuation.yield(TestMessage(text: word))
                    guard let answer = try await iterator.next() else { break }
                    answers.append(answer.text)
                }
                continuation.finish()
                #expect(try await iterator.next() == nil)
                return answers
            }
            #expect(answers == ["ping", "pang", "pong", "peng"])
        }
    }

    @Test("cancel after begin: the call ends CANCELLED and the handler sees it")
    func cancelAfterBegin() async throws {
        try await withServerAndClient { server, client in
            let task = Task {
                try await client.bidirectionalStreaming(TestMethods.fullDuplex) { _ in
                    try await Task.sleep(for: .seconds(30))
                } body: { response in
                    for try await _ in response.messages {}
                }
            }
            #expect(await server.probe.waitUntil { $0.started.contains("FullDuplex") })
            task.cancel()
            let error = await #expect(throws: RPCError.self) { try await task.value }
            #expect(error?.code == .cancelled)
            #expect(await server.probe.waitUntil { $0.cancelled.contains("FullDuplex") })
        }
    }

    @Test("cancel after first response")
    func cancelAfterFirstResponse() async throws {
        try await withServerAndClient { server, client in
            let error = await #expect(throws: RPCError.self) {
                try await withThrowingTaskGroup(of: Void.self) { group in
                    let (requests, continuation) = AsyncStream.makeStream(of: TestMessage.self)
                    continuation.yield(TestMessage(text: "first"))
                    let first = AsyncStream.makeStream(of: Void.self)
                    group.addTask {
                        defer { first.continuation.finish() }
                        try await client.bidirectionalStreaming(TestMethods.fullDuplex) { writer in
                            for await request in requests { try await writer.write(request) }
                        } body: { response in
                            for try await _ in response.messages { first.continuation.yield() }
                        }
                    }
                    for await _ in first.stream { break }
                    group.cancelAll()
                    try await group.next()
                }
            }
            #expect(error?.code == .cancelled)
            #expect(await server.probe.waitUntil { $0.cancelled.contains("FullDuplex") })
        }
    }

    @Test("timeout on a sleeping server: DEADLINE_EXCEEDED, and the handler is cancelled")
    func timeoutOnSleepingServer() async throws {
        try await withServerAndClient { server, client in
            // Connected first, and with room to spare, so the call surely reaches the handler
            // before its deadline even on a loaded machine.
            try await client.connect()
            let start = ContinuousClock.now
            let error = await #expect(throws: RPCError.self) {
                try await client.unary(
                    TestMethods.sleep, request: TestMessage(number: 20_000, text: "sleeper"), options: CallOptions(timeout: .milliseconds(1500)))
            }
            // 1.5 s: a full run on two cores once took more than 400 ms to start the handler.
            #expect(server.probe.started.contains("sleeper"))
            #expect(error?.code == .deadlineExceeded)
            #expect(ContinuousClock.now - start < .seconds(5))
            #expect(await server.probe.waitUntil { $0.cancelled.contains("sleeper") })
        }
    }

    @Test("custom metadata is echoed in initial metadata and trailers, unary and streaming")
    func customMetadata() async throws {
        try await withServerAndClient { _, client in
            var metadata = Metadata()
            metadata.add("x-echo-initial", "test_initial_metadata_value")
            metadata.add("x-echo-trailing-bin", bytes: [0xAB, 0xAB, 0xAB])
            let options = CallOptions(metadata: metadata)
            let unary = try await client.unaryCall(TestMethods.echo, request: TestMessage(text: "hi"), options: options)
            #expect(unary.headers["x-echo-initial"] == "test_initial_metadata_value")
            #expect(unary.trailers.values("x-echo-trailing-bin") == [.binary([0xAB, 0xAB, 0xAB])])

            let (headers, trailers) = try await client.serverStreaming(TestMethods.streamingOutput, request: TestMessage(number: 3), options: options)
            { response in
                for try await _ in response.messages {}
                return (response.headers, response.trailers)
            }
            #expect(headers["x-echo-initial"] == "test_initial_metadata_value")
            #expect(trailers.values("x-echo-trailing-bin") == [.binary([0xAB, 0xAB, 0xAB])])
        }
    }

    @Test("status code, message and details reach the client, with trailers")
    func statusCodeAndMessage() async throws {
        try await withServerAndClient { _, client in
            var metadata = Metadata()
            metadata.add("x-echo-trailing-bin", bytes: [1])
            let error = await #expect(throws: RPCError.self) {
                try await client.unary(
                    TestMethods.fail, request: TestMessage(number: 2, text: "test status message"), options: CallOptions(metadata: metadata))
            }
            #expect(error?.code == .unknown)
            #expect(error?.message == "test status message")
            #expect(error?.details == [.init(typeName: "keyplan.test.Detail", value: [1, 2, 3])])
            #expect(error?.metadata.values("x-echo-trailing-bin") == [.binary([1])])
        }
    }

    @Test("a status message with special characters arrives intact")
    func specialStatusMessage() async throws {
        try await withServerAndClient { _, client in
            let message = "\t\ntest with whitespace\r\nand Unicode BMP ☺ and non-BMP 😈\t\n"
            let error = await #expect(throws: RPCError.self) {
                try await client.unary(TestMethods.fail, request: TestMessage(number: 2, text: message))
            }
            #expect(error?.message == message)
        }
    }

    @Test("unimplemented method")
    func unimplementedMethod() async throws {
        try await withServerAndClient { _, client in
            let error = await #expect(throws: RPCError.self) { try await client.unary(TestMethods.missing, request: TestMessage()) }
            #expect(error?.code == .unimplemented)
            #expect(error?.message.contains("Missing") == true)
        }
    }

    @Test("unimplemented service")
    func unimplementedService() async throws {
        try await withServerAndClient { _, client in
            let error = await #expect(throws: RPCError.self) { try await client.unary(TestMethods.missingService, request: TestMessage()) }
            #expect(error?.code == .unimplemented)
            #expect(error?.message.contains("keyplan.test.Nowhere") == true)
        }
    }
}
