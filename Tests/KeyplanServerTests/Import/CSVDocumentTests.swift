import Foundation
import KeyplanAPI
import Testing

@Suite("CSV documents")
struct CSVDocumentTests {
    func parse(_ text: String, limits: CSVDocument.Limits = .defaults) throws -> CSVDocument {
        try CSVDocument(bytes: Array(text.utf8), limits: limits)
    }

    @Test func quotedFieldsEmbeddedNewlinesQuotesAndCRLF() throws {
        let document = try parse("Id,Name,Notes\r\n1,\"Acme, Inc.\",\"said \"\"hi\"\"\r\ntwice\"\r\n2,Plain,\r\n\r\n3,\"\",last")
        #expect(document.header == ["Id", "Name", "Notes"])
        #expect(
            document.records == [
                CSVDocument.Record(line: 2, fields: ["1", "Acme, Inc.", "said \"hi\"\r\ntwice"]),
                CSVDocument.Record(line: 4, fields: ["2", "Plain", ""]),
                CSVDocument.Record(line: 6, fields: ["3", "", "last"]),
            ])
    }

    @Test func byteOrderMarkAndLFAndUnicode() throws {
        let document = try parse("\u{FEFF}Name\nZürich AG\n東京\n")
        #expect(document.header == ["Name"])
        #expect(document.records.map(\.fields) == [["Zürich AG"], ["東京"]])
    }

    @Test func malformedFilesAreRefusedWithTheirLine() throws {
        let cases: [(String, Int?, String)] = [
            ("Id\n\"open", 2, "never closed"),
            ("Id\nab\"c", 2, "quote in an unquoted field"),
            ("Id\n\"a\"b", 2, "after a closing quote"),
            ("Id\na\rb", 2, "carriage return"),
            ("", nil, "empty"),
        ]
        for (text, line, message) in cases {
            let error = try #require(throws: CSVDocument.Error.self) { try parse(text) }
            #expect(error.line == line && error.message.contains(message), "\(text.debugDescription): \(error)")
        }
    }

    @Test func aNonUTF8FileIsRefused() throws {
        // "Müller" in Latin-1.
        let bytes: [UInt8] = Array("Name\nok\n".utf8) + [0x4D, 0xFC, 0x6C, 0x6C, 0x65, 0x72, 0x0A]
        let error = try #require(throws: CSVDocument.Error.self) { try CSVDocument(bytes: bytes) }
        #expect(error.line == 3 && error.message.contains("not UTF-8"))
    }

    @Test func limitsAreEnforced() throws {
        let limits = CSVDocument.Limits(maximumBytes: 64, maximumRecords: 2, maximumFieldBytes: 8)
        #expect(throws: CSVDocument.Error.self) { try parse("Id\n" + String(repeating: "1\n", count: 40), limits: limits) }
        let tooMany = try #require(throws: CSVDocument.Error.self) { try parse("Id\n1\n2\n3\n", limits: limits) }
        #expect(tooMany.message.contains("more than 2 records"))
        let longField = try #require(throws: CSVDocument.Error.self) { try parse("Id\n123456789\n", limits: limits) }
        #expect(longField.message.contains("longer than 8 bytes"))
        let oversized = try #require(throws: CSVDocument.Error.self) { try parse(String(repeating: "x", count: 65), limits: limits) }
        #expect(oversized.message.contains("more than the limit of 64"))
    }
}
