import Foundation
import KeyplanWire
import Testing

/// Bad input throws a `DecodingError` that names where it went wrong; it never traps, hangs or over-allocates.
@Suite("Malformed input")
struct MalformedInputTests {
    struct Account: Codable, Equatable {
        var name: String
        var contacts: [Contact]
        var revenue: Money

        enum CodingKeys: Int, CodingKey {
            case name = 1
            case contacts = 2
            case revenue = 3
        }
    }

    static let account = Account(
        name: "Acme",
        contacts: [Contact(name: "A", email: "a@x", point: Point(x: 1, y: 2)), Contact(name: "B", email: "b@x", point: Point(x: -3, y: 4))],
        revenue: Money(minorUnits: 123_456, currency: CurrencyCode("USD")!)
    )

    /// Decodes `bytes` as `T` and returns the `DecodingError` it must throw.
    /// A message with generated coding must throw through its `Codable` conformance as well.
    func decodingError<T: Decodable>(_ type: T.Type, _ bytes: [UInt8], configuration: BinaryDecoder.Configuration = .defaults) -> DecodingError? {
        if let message = T.self as? any WireMessage.Type {
            let threw = self.throwsThroughCodable(message, bytes, configuration)
            #expect(threw, "decoding \(hex(bytes)) as \(T.self) through Codable did not throw")
        }
        do {
            _ = try BinaryDecoder(configuration: configuration).decode(type, from: bytes)
            Issue.record("decoding \(hex(bytes)) as \(T.self) did not throw")
            return nil
        } catch let error as DecodingError {
            return error
        } catch {
            Issue.record("decoding threw \(error), not a DecodingError")
            return nil
        }
    }

    private func throwsThroughCodable<M: WireMessage>(_ type: M.Type, _ bytes: [UInt8], _ configuration: BinaryDecoder.Configuration) -> Bool {
        (try? BinaryDecoder(configuration: configuration).decode(ViaCodable<M>.self, from: bytes)) == nil
    }

    func debugDescription(_ error: DecodingError?) -> String {
        switch error {
        case .dataCorrupted(let context), .typeMismatch(_, let context), .valueNotFound(_, let context), .keyNotFound(_, let context):
            return context.debugDescription
        default:
            return ""
        }
    }

    @Test("every truncation of a message throws")
    func truncation() throws {
        let bytes = try BinaryEncoder().encode(Self.account)
        for length in 0..<bytes.count {
            // All fields are required, so no prefix is a complete message.
            #expect(self.decodingError(Account.self, Array(bytes.prefix(length))) != nil, "prefix of \(length) bytes")
        }
    }

    @Test("a truncated field reports the path to it")
    func truncationPath() throws {
        var bytes = try BinaryEncoder().encode(Self.account)
        // Cut the last byte: the revenue field's currency code loses a letter.
        bytes.removeLast()
        let error = self.decodingError(Account.self, bytes)
        #expect(codingPath(of: error) == ["revenue"])
    }

    @Test("overlong and overflowing varints")
    func overlongVarints() {
        let overlong = self.decodingError(Point.self, [0x08, 0x82, 0x00])
        #expect(self.debugDescription(overlong).contains("overlong"))
        #expect(codingPath(of: overlong) == ["x"])
        #expect(self.decodingError(Int.self, [0x80, 0x80, 0x00]) != nil)
        let overflow = self.decodingError(UInt64.self, [UInt8](repeating: 0xFF, count: 10) + [0x01])
        #expect(self.debugDescription(overflow).contains("overflow"))
        #expect(self.decodingError(UInt64.self, [UInt8](repeating: 0xFF, count: 9) + [0x02]) != nil)
        // A tag longer than 32 bits.
        #expect(self.decodingError(Point.self, [0xFF, 0xFF, 0xFF, 0xFF, 0x7F, 0x00]) != nil)
    }

    @Test("lengths past the end of the enclosing value")
    func lengthsPastEnd() {
        let error = self.decodingError(Contact.self, [0x0A, 0x05, 0x41])
        #expect(self.debugDescription(error).contains("past the end"))
        #expect(codingPath(of: error) == ["name"])
        // A nested message whose inner length exceeds its own outer length.
        #expect(self.decodingError(Contact.self, [0x0A, 0x01, 0x41, 0x1A, 0x02, 0x0A, 0x09]) != nil)
        // A length beyond 2^63.
        #expect(self.decodingError([String].self, [0x01] + [UInt8](repeating: 0xFF, count: 9) + [0x01]) != nil)
    }

    @Test("invalid UTF-8 in a string")
    func invalidUTF8() {
        let error = self.decodingError(Contact.self, [0x0A, 0x02, 0xC3, 0x28, 0x1A, 0x00])
        #expect(self.debugDescription(error).contains("UTF-8"))
        #expect(codingPath(of: error) == ["name"])
        #expect(self.decodingError(String.self, [0xFF]) != nil)
        #expect(self.decodingError([String].self, [0x01, 0x01, 0x80]) != nil)
    }

    @Test("a wire type that does not match the field's type")
    func wireTypeMismatch() {
        // Point.x (an Int, varint) sent as length-delimited.
        let error = self.decodingError(Point.self, [0x0A, 0x01, 0x61, 0x10, 0x00])
        guard case .typeMismatch(_, let context) = error else {
            Issue.record("expected typeMismatch, got \(String(describing: error))")
            return
        }
        #expect(context.codingPath.map(\.stringValue) == ["x"])
        // Contact.point (a message) sent as a varint.
        #expect(self.decodingError(Contact.self, [0x0A, 0x00, 0x18, 0x01]) != nil)
        // An unknown wire type (3) in a field tag.
        #expect(self.debugDescription(self.decodingError(Point.self, [0x0B, 0x00])).contains("wire type"))
    }

    @Test("values out of range for their type")
    func outOfRange() {
        #expect(self.decodingError(Bool.self, [0x02]) != nil)
        #expect(self.decodingError(Int8.self, [0x80, 0x02]) != nil)
        #expect(self.decodingError(UInt16.self, [0x80, 0x80, 0x04]) != nil)
        #expect(self.decodingError(UUID.self, [UInt8](repeating: 0, count: 15)) != nil)
        #expect(self.decodingError(Money.self, [0x02, 0x45, 0x55, 0x72]) != nil)  // "EUr"
        #expect(self.decodingError(Money.self, [0x02, 0x45, 0x55]) != nil)
        #expect(self.decodingError(Decimal.self, [0x04, 0x00, 0x00, 0x00]) != nil)  // unknown flag
        #expect(self.decodingError(Decimal.self, [0x00, 0x80, 0x04, 0x01, 0x00]) != nil)  // exponent 256
        #expect(self.decodingError(Int?.self, [0x02, 0x00]) != nil)  // presence byte 2
        #expect(self.decodingError(Int.self, [0x00, 0x00]) != nil)  // trailing bytes
        #expect(self.decodingError(Date.self, [0x00]) != nil)
    }

    @Test("nesting deeper than the limit throws instead of overflowing the stack")
    func nestingLimit() throws {
        // 500 nested `child` fields, built by hand (the encoder refuses to write them).
        var bytes: [UInt8] = [0x08, 0x02]
        for _ in 0..<500 {
            bytes = [0x08, 0x02, 0x12] + varint(UInt64(bytes.count)) + bytes
        }
        let error = self.decodingError(TreeNode.self, bytes)
        #expect(self.debugDescription(error).contains("nesting"))
        #expect((codingPath(of: error)?.count ?? 0) >= 60)
        // Within the limit the same shape decodes.
        let shallow = try BinaryEncoder().encode(TreeNode.chain(depth: 20))
        #expect(try BinaryDecoder().decode(TreeNode.self, from: shallow) == TreeNode.chain(depth: 20))
        // A lower configured limit applies.
        #expect(self.decodingError(TreeNode.self, shallow, configuration: .init(maximumDepth: 10)) != nil)
        // Deep unkeyed nesting is bounded the same way.
        var arrays: [UInt8] = [0x00]
        for _ in 0..<500 { arrays = [0x01] + varint(UInt64(arrays.count)) + arrays }
        #expect(self.decodingError(NestedArray.self, Array(arrays.dropFirst(1 + varint(UInt64(arrays.count - 1)).count))) != nil)
    }

    /// An array of itself, to nest sequences without bound.
    struct NestedArray: Codable {
        var children: [NestedArray]

        init(from decoder: any Decoder) throws {
            self.children = try [NestedArray](from: decoder)
        }

        func encode(to encoder: any Encoder) throws {
            try self.children.encode(to: encoder)
        }
    }

    @Test("the encoder refuses to nest deeper than its limit")
    func encoderNestingLimit() {
        #expect(throws: EncodingError.self) {
            try BinaryEncoder().encode(TreeNode.chain(depth: 200))
        }
    }

    @Test("absurd counts throw before allocating")
    func absurdCounts() {
        let twoToThe31: [UInt8] = [0x80, 0x80, 0x80, 0x80, 0x08]
        let counts = [twoToThe31, [UInt8](repeating: 0xFF, count: 9) + [0x01]]
        for count in counts {
            #expect(self.debugDescription(self.decodingError([Int].self, count + [0x00, 0x00])).contains("claims"))
            #expect(self.decodingError([String: Int].self, count + [0x00]) != nil)
            #expect(self.decodingError([Point].self, count) != nil)
            #expect(self.decodingError(Set<Int>.self, count + [0x01]) != nil)
            #expect(self.decodingError(Matrix.self, [0x12, 0x03, 0x0A, 0x01, 0x6D, 0x1A, UInt8(count.count)] + count) != nil)
        }
        // A count that fits the bytes but whose elements run out.
        #expect(self.decodingError([Int].self, [0x03, 0x02, 0x04]) != nil)
        // A dictionary needs key-value pairs.
        #expect(self.decodingError([String: Int].self, [0x01, 0x00]) != nil)
        // Duplicate dictionary keys.
        #expect(self.decodingError([Int: Int].self, [0x04, 0x02, 0x00, 0x02, 0x00]) != nil)
    }

    struct Numbers: Codable {
        var values: [Int]
        enum CodingKeys: Int, CodingKey { case values = 1 }
    }

    @Test("bytes left after a sequence's last element throw instead of being dropped")
    func sequenceTrailingBytes() {
        // Count 1, element 1 (zigzag 02), then a stray 99.
        #expect(self.debugDescription(self.decodingError([Int].self, [0x01, 0x02, 0x99])).contains("unexpected byte"))
        #expect(self.decodingError([String].self, [0x01, 0x01, 0x61, 0x99]) != nil)
        #expect(self.decodingError([Point].self, [0x01, 0x04, 0x08, 0x02, 0x10, 0x04, 0x99]) != nil)
        #expect(self.decodingError([Int: Int].self, [0x02, 0x02, 0x04, 0x99]) != nil)
        // Inside a message the sequence's length, not the message's, marks where its elements must end.
        #expect(self.decodingError(Numbers.self, [0x0A, 0x03, 0x01, 0x02, 0x99]) != nil)
        #expect((try? BinaryDecoder().decode(Numbers.self, from: [0x0A, 0x02, 0x01, 0x02]))?.values == [1])
    }

    @Test("a sequence element's coding path carries its index")
    func elementPath() throws {
        var account = Self.account
        account.contacts[1].email = "é"
        var bytes = try BinaryEncoder().encode(account)
        // Corrupt the 'é' (C3 A9) of the second contact's email into invalid UTF-8.
        let index = try #require(bytes.firstIndex(of: 0xC3))
        bytes[index + 1] = 0x28
        let error = self.decodingError(Account.self, bytes)
        #expect(codingPath(of: error) == ["contacts", "Index 1", "email"])
    }

    @Test("random bytes never crash the decoder", arguments: [11 as UInt64, 12])
    func randomBytes(seed: UInt64) {
        var rng = SeededGenerator(seed: seed)
        let valid = (try? BinaryEncoder().encode(Self.account)) ?? []
        for _ in 0..<3_000 {
            var bytes: [UInt8]
            if Bool.random(using: &rng) {
                bytes = (0..<Int.random(in: 0..<64, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) }
            } else {
                // Mutate a valid message: flip bytes, as a fuzzer would.
                bytes = valid
                for _ in 0..<Int.random(in: 1...4, using: &rng) {
                    bytes[Int.random(in: 0..<bytes.count, using: &rng)] = UInt8.random(in: 0...255, using: &rng)
                }
            }
            let decoder = BinaryDecoder()
            _ = try? decoder.decode(Account.self, from: bytes)
            _ = try? decoder.decode(Sample.self, from: bytes)
            _ = try? decoder.decode([Shape].self, from: bytes)
            _ = try? decoder.decode([String: [Int?]].self, from: bytes)
            _ = try? decoder.decode(Matrix.self, from: bytes)
            _ = try? decoder.decode(Derived.self, from: bytes)
        }
    }

    @Test("encoding errors: invalid field numbers and unrepresentable dates")
    func encodingErrors() {
        struct ZeroKey: Encodable {
            enum CodingKeys: Int, CodingKey { case first = 0 }
            var first = 1
        }
        #expect(throws: EncodingError.self) { try BinaryEncoder().encode(ZeroKey()) }
        #expect(throws: EncodingError.self) { try BinaryEncoder().encode(Date(timeIntervalSinceReferenceDate: .infinity)) }
        #expect(throws: EncodingError.self) { try BinaryEncoder().encode([Date(timeIntervalSinceReferenceDate: 1e300)]) }
        // The error describes an unencodable date without trapping (Date's own description traps on NaN).
        do {
            _ = try BinaryEncoder().encode(Date(timeIntervalSinceReferenceDate: .nan))
            Issue.record("a NaN date encoded")
        } catch {
            #expect(String(describing: error).contains("not representable"))
        }
        // A failed encode leaves the caller's buffer as it was.
        var buffer: [UInt8] = [1, 2, 3]
        #expect(throws: EncodingError.self) { try BinaryEncoder().encode(ZeroKey(), into: &buffer) }
        #expect(buffer == [1, 2, 3])
    }
}

/// `value` as a varint.
func varint(_ value: UInt64) -> [UInt8] {
    var value = value
    var bytes: [UInt8] = []
    while value >= 0x80 {
        bytes.append(UInt8(truncatingIfNeeded: value) | 0x80)
        value >>= 7
    }
    bytes.append(UInt8(value))
    return bytes
}
