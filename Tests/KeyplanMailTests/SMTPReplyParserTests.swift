import Testing

@testable import KeyplanMail

@Suite struct SMTPReplyParserTests {
    static func replies(_ text: String, chunk: Int = .max) throws(SMTPReplyParser.Error) -> [SMTPReply] {
        var parser = SMTPReplyParser()
        var replies: [SMTPReply] = []
        let bytes = Array(text.utf8)
        let step = min(chunk, max(bytes.count, 1))
        for start in stride(from: 0, to: bytes.count, by: step) {
            parser.append(bytes[start..<min(start + step, bytes.count)])
            while let reply = try parser.next() { replies.append(reply) }
        }
        return replies
    }

    @Test(arguments: [1, 2, 7, 1000])
    func multilineRepliesInChunksOfAnySize(chunk: Int) throws {
        let text = "220 relay.example ESMTP\r\n250-relay.example\r\n250-\r\n250-SIZE 1000\r\n250 HELP\r\n354\r\n"
        #expect(
            try Self.replies(text, chunk: chunk) == [
                SMTPReply(code: 220, lines: ["relay.example ESMTP"]), SMTPReply(code: 250, lines: ["relay.example", "", "SIZE 1000", "HELP"]),
                SMTPReply(code: 354, lines: [""]),
            ])
    }

    @Test func textMayHoldTabsAndUTF8() throws {
        #expect(try Self.replies("250 tab\there: Zoë\r\n") == [SMTPReply(code: 250, lines: ["tab\there: Zoë"])])
    }

    @Test func anIncompleteReplyWaitsForMore() throws {
        var parser = SMTPReplyParser()
        parser.append(Array("250-first\r\n250 sec".utf8))
        #expect(try parser.next() == nil)
        #expect(parser.hasUnreadBytes)
        parser.append(Array("ond\r\n".utf8))
        #expect(try parser.next() == SMTPReply(code: 250, lines: ["first", "second"]))
        #expect(!parser.hasUnreadBytes)
    }

    @Test(arguments: [
        ("25 short\r\n", "malformed"), ("2500 four digits\r\n", "malformed"), ("600 out of range\r\n", "malformed"),
        ("199 out of range\r\n", "malformed"), ("250x no separator\r\n", "malformed"), ("25a letters\r\n", "malformed"),
        ("\r\n", "malformed"), ("250 bare line feed\n", "LF alone"), ("250 nul\0here\r\n", "malformed"),
        ("250 carriage\r return\r\n", "malformed"), ("250 escape\u{1B}[1m\r\n", "malformed"), ("250-first\r\n251 second\r\n", "mixing"),
        (" 250 leading space\r\n", "malformed"),
    ])
    func malformedLinesAreRefused(text: String, expected: String) {
        let error = #expect(throws: SMTPReplyParser.Error.self) { try Self.replies(text) }
        #expect(error.map { "\($0)".contains(expected) } == true, "\(String(describing: error))")
    }

    @Test func linesAndRepliesAreBounded() throws {
        let longest = "250 " + String(repeating: "x", count: SMTPReplyParser.maxLineLength - 6) + "\r\n"
        #expect(try Self.replies(longest).count == 1)
        #expect(throws: SMTPReplyParser.Error.lineTooLong) { try Self.replies("250 x" + longest.dropFirst(4)) }
        // Without a line end, the line is refused as soon as it cannot fit any more, not when memory runs out.
        #expect(throws: SMTPReplyParser.Error.lineTooLong) { try Self.replies(String(repeating: "2", count: SMTPReplyParser.maxLineLength)) }

        let hundred = String(repeating: "250-x\r\n", count: SMTPReplyParser.maxLines - 1) + "250 x\r\n"
        #expect(try Self.replies(hundred).first?.lines.count == SMTPReplyParser.maxLines)
        #expect(throws: SMTPReplyParser.Error.tooManyLines) { try Self.replies("250-x\r\n" + hundred) }
    }

    @Test func randomBytesNeverCrashIt() {
        // A fixed-seed generator: the same inputs on every run.
        var state: UInt64 = 0x5EED
        func random(_ bound: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int(state >> 33) % bound
        }
        let alphabet = Array("0123456789 -\r\n\t\0xyzé25".utf8)
        for _ in 0..<2000 {
            var parser = SMTPReplyParser()
            for _ in 0..<(1 + random(8)) {
                parser.append((0..<random(300)).map { _ in random(3) == 0 ? UInt8(random(256)) : alphabet[random(alphabet.count)] })
                do {
                    while let reply = try parser.next() {
                        #expect((200..<600).contains(reply.code) && (1...SMTPReplyParser.maxLines).contains(reply.lines.count))
                    }
                } catch {
                    break
                }
            }
        }
    }
}
