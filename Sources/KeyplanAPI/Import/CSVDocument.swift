/// A CSV file read strictly after RFC 4180: comma-separated fields, fields in double quotes may
/// hold commas, quotes (doubled) and line breaks; records end with CRLF or LF. The file must be
/// UTF-8 (a leading byte-order mark is dropped) and within ``Limits``. The first record is the header.
public struct CSVDocument: Sendable, Hashable {
    /// Bounds that keep a bad file from exhausting memory.
    public struct Limits: Sendable, Hashable {
        /// Default 64 MiB.
        public var maximumBytes: Int
        /// Data records, the header not counted; default 200,000.
        public var maximumRecords: Int
        /// Default 10,000 bytes.
        public var maximumFieldBytes: Int

        public static var defaults: Limits { Limits(maximumBytes: 64 << 20, maximumRecords: 200_000, maximumFieldBytes: 10_000) }

        public init(maximumBytes: Int, maximumRecords: Int, maximumFieldBytes: Int) {
            self.maximumBytes = maximumBytes
            self.maximumRecords = maximumRecords
            self.maximumFieldBytes = maximumFieldBytes
        }
    }

    /// What is wrong with a file; `line` is the 1-based line where the problem starts.
    public struct Error: Swift.Error, Hashable, CustomStringConvertible {
        public var line: Int?
        public var message: String
        public var description: String { line.map { "line \($0): \(message)" } ?? message }
    }

    /// One data record and the line it starts on (the header is line 1).
    public struct Record: Sendable, Hashable {
        public var line: Int
        public var fields: [String]

        public init(line: Int, fields: [String]) {
            self.line = line
            self.fields = fields
        }
    }

    public var header: [String]
    public var records: [Record]

    /// Parses a whole file.
    public init(bytes: some Collection<UInt8>, limits: Limits = .defaults) throws {
        guard bytes.count <= limits.maximumBytes else {
            throw Error(message: "the file has \(bytes.count) bytes, more than the limit of \(limits.maximumBytes)")
        }
        var bytes = Array(bytes)
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
        if let offset = Self.firstInvalidUTF8(bytes) {
            let line = bytes[..<offset].reduce(1) { $1 == UInt8(ascii: "\n") ? $0 + 1 : $0 }
            throw Error(line: line, message: "the file is not UTF-8 (byte \(offset + 1)); export it as UTF-8")
        }
        var parser = Parser(bytes: bytes, limits: limits)
        guard let header = try parser.nextRecord() else { throw Error(message: "the file is empty: expected a header line") }
        self.header = header.fields.map { $0.trimmingSpaces() }
        var records: [Record] = []
        while let record = try parser.nextRecord() {
            // A blank line (a lone empty field) is no record.
            if record.fields == [""] { continue }
            guard records.count < limits.maximumRecords else {
                throw Error(line: record.line, message: "more than \(limits.maximumRecords) records")
            }
            records.append(Record(line: record.line, fields: record.fields))
        }
        self.records = records
    }

    /// The offset of the first byte that is not part of valid UTF-8, or `nil`.
    static func firstInvalidUTF8(_ bytes: [UInt8]) -> Int? {
        var decoder = UTF8()
        var iterator = bytes.makeIterator()
        var offset = 0
        while true {
            switch decoder.decode(&iterator) {
            case .scalarValue(let scalar): offset += UTF8.width(scalar)
            case .emptyInput: return nil
            case .error: return offset
            }
        }
    }

    /// The state of reading records: a byte position and the current line.
    struct Parser {
        let bytes: [UInt8]
        let limits: Limits
        var position = 0
        var line = 1

        static let quote = UInt8(ascii: "\""), comma = UInt8(ascii: ","), cr = UInt8(ascii: "\r"), lf = UInt8(ascii: "\n")

        mutating func nextRecord() throws -> (line: Int, fields: [String])? {
            guard position < bytes.count else { return nil }
            let start = line
            var fields: [String] = []
            while true {
                let (field, end) = try nextField()
                fields.append(field)
                if end { return (start, fields) }
            }
        }

        /// One field, and whether it ended its record.
        mutating func nextField() throws -> (String, Bool) {
            var field: [UInt8] = []
            func append(_ byte: UInt8) throws {
                guard field.count < limits.maximumFieldBytes else {
                    throw Error(line: line, message: "a field is longer than \(limits.maximumFieldBytes) bytes")
                }
                field.append(byte)
            }
            if position < bytes.count, bytes[position] == Self.quote {
                let opened = line
                position += 1
                while true {
                    guard position < bytes.count else { throw Error(line: opened, message: "a quoted field is never closed") }
                    let byte = bytes[position]
                    position += 1
                    if byte == Self.quote {
                        if position < bytes.count, bytes[position] == Self.quote {
                            try append(Self.quote)
                            position += 1
                        } else {
                            break
                        }
                    } else {
                        if byte == Self.lf { line += 1 }
                        try append(byte)
                    }
                }
                // After the closing quote: a comma, the end of the record, or the end of the file.
                guard let endsRecord = try endOfField() else {
                    throw Error(line: line, message: "text after a closing quote (a quote inside a field must be doubled)")
                }
                return (String(decoding: field, as: UTF8.self), endsRecord)
            }
            while position < bytes.count {
                if let endsRecord = try endOfField() { return (String(decoding: field, as: UTF8.self), endsRecord) }
                guard bytes[position] != Self.quote else {
                    throw Error(line: line, message: "a quote in an unquoted field (quote the whole field and double the quote)")
                }
                try append(bytes[position])
                position += 1
            }
            return (String(decoding: field, as: UTF8.self), true)
        }

        /// Consumes what ends a field: a comma (`false`), a line break or the end of the file
        /// (`true`, the record ends); `nil` when the next byte is field content.
        mutating func endOfField() throws -> Bool? {
            guard position < bytes.count else { return true }
            switch bytes[position] {
            case Self.comma:
                position += 1
                return false
            case Self.lf, Self.cr:
                try endOfRecord()
                return true
            default:
                return nil
            }
        }

        /// Consumes CRLF or LF; a lone CR is refused.
        mutating func endOfRecord() throws {
            if bytes[position] == Self.cr {
                guard position + 1 < bytes.count, bytes[position + 1] == Self.lf else {
                    throw Error(line: line, message: "a carriage return without a line feed")
                }
                position += 1
            }
            position += 1
            line += 1
        }
    }
}

extension String {
    /// Without leading and trailing spaces.
    fileprivate func trimmingSpaces() -> String {
        String(String(drop { $0 == " " }.reversed()).drop { $0 == " " }.reversed())
    }
}
