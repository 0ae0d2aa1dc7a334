/// One reply of an SMTP server (RFC 5321, section 4.2): a three-digit code and one or more lines of text.
public struct SMTPReply: Sendable, Hashable, CustomStringConvertible {
    public let code: Int
    /// Each line's text, without the code and the separator.
    public let lines: [String]

    public init(code: Int, lines: [String]) {
        self.code = code
        self.lines = lines
    }

    /// The lines' text joined by spaces.
    public var text: String { lines.joined(separator: " ") }

    public var description: String { text.isEmpty ? "\(code)" : "\(code) \(text)" }
}

/// Cuts a server's bytes into ``SMTPReply``s: a value fed chunks of any size.
///
/// Strict, because a client that guesses at a garbled reply may carry on a conversation the server is not
/// having: every line ends with CRLF and is at most ``maxLineLength`` bytes, starts with a code from 200 to
/// 599 followed by a space, a hyphen (more lines follow) or the line's end, carries no control characters,
/// and the lines of one reply share their code; a reply has at most ``maxLines`` lines. The first
/// violation is an ``Error``; the parser is then done with the connection.
struct SMTPReplyParser {
    /// RFC 5321 allows 512 bytes per reply line; relays write longer ones, so accept some room, but bound it.
    static let maxLineLength = 1000
    /// A multiline EHLO reply has a line per extension; a hundred is ample.
    static let maxLines = 100

    enum Error: Swift.Error, Hashable, CustomStringConvertible {
        case lineTooLong
        case tooManyLines
        case missingCarriageReturn
        case malformedLine(String)
        case mixedCodes(Int, Int)

        var description: String {
            switch self {
            case .lineTooLong: "a reply line longer than \(SMTPReplyParser.maxLineLength) bytes"
            case .tooManyLines: "a reply of more than \(SMTPReplyParser.maxLines) lines"
            case .missingCarriageReturn: "a reply line ended by LF alone, not CRLF"
            case .malformedLine(let line): "a malformed reply line: \(line)"
            case .mixedCodes(let first, let other): "a multiline reply mixing codes \(first) and \(other)"
            }
        }
    }

    private var buffer: [UInt8] = []
    private var start = 0
    private var pendingCode: Int?
    private var pendingLines: [String] = []

    /// Whether bytes were received that no complete reply used yet.
    var hasUnreadBytes: Bool { start < buffer.count || !pendingLines.isEmpty }

    mutating func append(_ bytes: some Sequence<UInt8>) {
        if start > 0 {
            buffer.removeSubrange(0..<start)
            start = 0
        }
        buffer.append(contentsOf: bytes)
    }

    /// The next complete reply, or `nil` until more bytes arrive.
    mutating func next() throws(Error) -> SMTPReply? {
        while let lineFeed = buffer[start...].firstIndex(of: UInt8(ascii: "\n")) {
            guard lineFeed + 1 - start <= Self.maxLineLength else { throw .lineTooLong }
            guard lineFeed > start, buffer[lineFeed - 1] == UInt8(ascii: "\r") else { throw .missingCarriageReturn }
            let line = buffer[start..<(lineFeed - 1)]
            start = lineFeed + 1
            let (code, isLast, text) = try Self.parse(line)
            if let pendingCode, pendingCode != code { throw .mixedCodes(pendingCode, code) }
            pendingCode = code
            pendingLines.append(text)
            guard pendingLines.count <= Self.maxLines else { throw .tooManyLines }
            if isLast {
                defer {
                    pendingCode = nil
                    pendingLines = []
                }
                return SMTPReply(code: code, lines: pendingLines)
            }
        }
        // No line end yet: the line's length so far already decides whether it can still fit.
        guard buffer.count - start < Self.maxLineLength else { throw .lineTooLong }
        return nil
    }

    private static func parse(_ line: ArraySlice<UInt8>) throws(Error) -> (code: Int, isLast: Bool, text: String) {
        let bytes = Array(line)
        guard bytes.count >= 3,
            (UInt8(ascii: "2")...UInt8(ascii: "5")).contains(bytes[0]),
            bytes[1...2].allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) })
        else { throw .malformedLine(printable(bytes)) }
        let code = bytes[0...2].reduce(0) { $0 * 10 + Int($1 - UInt8(ascii: "0")) }
        guard bytes.count > 3 else { return (code, true, "") }
        guard bytes[3] == UInt8(ascii: " ") || bytes[3] == UInt8(ascii: "-") else { throw .malformedLine(printable(bytes)) }
        let text = bytes[4...]
        // Tabs are allowed in the text (RFC 5321's textstring); other controls, CR and NUL among them, are not.
        guard !text.contains(where: { ($0 < 0x20 && $0 != 0x09) || $0 == 0x7F }) else { throw .malformedLine(printable(bytes)) }
        return (code, bytes[3] == UInt8(ascii: " "), String(decoding: text, as: UTF8.self))
    }

    /// A line for an error message: controls escaped, at most 80 bytes.
    private static func printable(_ bytes: [UInt8]) -> String {
        bytes.prefix(80).map { (0x20..<0x7F).contains($0) ? String(UnicodeScalar($0)) : "\\x" + ($0 < 0x10 ? "0" : "") + String($0, radix: 16) }
            .joined()
    }
}
