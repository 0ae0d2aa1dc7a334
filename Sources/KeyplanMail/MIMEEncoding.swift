import Foundation

/// The encodings a message's headers and parts go through. Every free-text header value passes
/// ``headerText(_:)`` first, so no CR or LF of a caller's reaches the output except as the folding these
/// functions write themselves.
enum MIMEEncoding {
    /// The longest line RFC 5322 recommends (and quoted-printable and encoded words keep to).
    static let preferredLineLength = 78

    /// Controls and line or paragraph separators become spaces, runs of spaces one space: a name or
    /// subject is one line of text, whatever it was given as.
    static func headerText(_ text: String) -> String {
        var result = ""
        var pendingSpace = false
        for scalar in text.unicodeScalars {
            let category = scalar.properties.generalCategory
            if scalar == " " || category == .control || category == .lineSeparator || category == .paragraphSeparator || category == .spaceSeparator {
                pendingSpace = !result.isEmpty
                continue
            }
            if pendingSpace { result.append(" ") }
            pendingSpace = false
            result.unicodeScalars.append(scalar)
        }
        return result
    }

    /// A display name as an RFC 5322 phrase: a quoted string if it is short printable ASCII, else
    /// UTF-8 encoded words (RFC 2047).
    static func phrase(_ name: String) -> String {
        let text = headerText(name)
        if text.utf8.count <= 60, text.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }), !text.contains("=?") {
            return "\"" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
        }
        return encodedWords(text)
    }

    /// An unstructured value (Subject) for a header named `name`: as is if it is printable ASCII and fits the
    /// line, else UTF-8 encoded words.
    static func unstructured(_ value: String, headerName name: String) -> String {
        let text = headerText(value)
        if name.utf8.count + 2 + text.utf8.count <= preferredLineLength, text.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }), !text.contains("=?") {
            return text
        }
        return encodedWords(text)
    }

    /// `=?UTF-8?B?…?=` words, folded onto continuation lines. A word holds whole Unicode scalars, as RFC 2047
    /// asks, so each decodes on its own.
    static func encodedWords(_ text: String) -> String {
        // 39 bytes make 52 base64 characters, 64 with `=?UTF-8?B?` and `?=`: a line with the longest header
        // name here (`Reply-To: `) stays within 78.
        var words: [[UInt8]] = []
        var chunk: [UInt8] = []
        for scalar in text.unicodeScalars {
            let bytes = Array(String(scalar).utf8)
            if chunk.count + bytes.count > 39 {
                words.append(chunk)
                chunk = []
            }
            chunk += bytes
        }
        if !chunk.isEmpty || words.isEmpty { words.append(chunk) }
        return words.map { "=?UTF-8?B?\(Data($0).base64EncodedString())?=" }.joined(separator: "\r\n ")
    }

    /// Text as quoted-printable (RFC 2045, section 6.7) with CRLF line breaks and lines of at most 76
    /// characters. The output never contains `=_`, since `=` is always followed by two hex digits or a line
    /// break: a boundary starting with `=_` cannot occur in it.
    static func quotedPrintable(_ text: String) -> String {
        let hex = Array("0123456789ABCDEF".utf8)
        var output: [UInt8] = []
        let lines = text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline)
        for (index, line) in lines.enumerated() {
            if index > 0 { output += Array("\r\n".utf8) }
            let bytes = Array(line.utf8)
            var lineLength = 0
            for (position, byte) in bytes.enumerated() {
                let isLast = position == bytes.count - 1
                let literal = (byte >= 33 && byte <= 126 && byte != UInt8(ascii: "=")) || ((byte == 0x20 || byte == 0x09) && !isLast)
                let token = literal ? [byte] : [UInt8(ascii: "="), hex[Int(byte >> 4)], hex[Int(byte & 0x0F)]]
                // A soft line break (`=` CRLF) before the token if it would pass 75 characters plus the `=`.
                if lineLength + token.count > 75 {
                    output += Array("=\r\n".utf8)
                    lineLength = 0
                }
                output += token
                lineLength += token.count
            }
        }
        return String(decoding: output, as: UTF8.self)
    }

    /// `Mon, 07 Dec 2026 13:41:24 +0000` (RFC 5322, section 3.3), in UTC.
    static func date(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let parts = calendar.dateComponents([.weekday, .day, .month, .year, .hour, .minute, .second], from: date)
        let weekdays = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        func two(_ value: Int?) -> String { value.map { $0 < 10 ? "0\($0)" : "\($0)" } ?? "00" }
        return "\(weekdays[parts.weekday! - 1]), \(two(parts.day)) \(months[parts.month! - 1]) \(parts.year!) "
            + "\(two(parts.hour)):\(two(parts.minute)):\(two(parts.second)) +0000"
    }
}
