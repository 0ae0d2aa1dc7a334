import Foundation
import KeyplanWire
import Testing

/// Every API message travels through generated coding: a message struct that numbers its fields but leaves
/// `@WireMessage` off still works, through the keyed containers, at about two thirds of the decoding speed — easy to
/// miss, so this reads the API's sources.
@Suite("API message coding")
struct APIMessageCodingTests {
    @Test func everyAPIMessageWithNumberedFieldsHasGeneratedCoding() throws {
        let api = URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Sources/KeyplanAPI")
        let files = try #require(FileManager.default.enumerator(at: api, includingPropertiesForKeys: nil))
            .compactMap { $0 as? URL }.filter { $0.pathExtension == "swift" }
        var messages = 0
        var missing: [String] = []
        for file in files {
            let lines = try String(contentsOf: file, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false)
            for (index, line) in lines.enumerated() {
                let declaration = line.trimmingCharacters(in: .whitespaces)
                guard declaration.hasPrefix("public struct "), declaration.contains("Codable") else { continue }
                let body = Self.body(from: index, in: lines)
                guard body.contains("enum CodingKeys: Int, CodingKey"), !body.contains("init(from decoder") else { continue }
                messages += 1
                if index == 0 || !lines[index - 1].contains("@WireMessage") {
                    missing.append("\(file.lastPathComponent): \(declaration)")
                }
            }
        }
        #expect(messages > 100, "found only \(messages) messages under \(api.path)")
        #expect(missing.isEmpty, "without @WireMessage:\n\(missing.joined(separator: "\n"))")
    }

    /// The lines of the declaration starting at `start`, to its closing brace.
    private static func body(from start: Int, in lines: [Substring]) -> String {
        var depth = 0
        var body: [Substring] = []
        for line in lines[start...] {
            body.append(line)
            depth += line.filter { $0 == "{" }.count - line.filter { $0 == "}" }.count
            if depth <= 0, body.count > 1 || line.contains("}") { break }
        }
        return body.joined(separator: "\n")
    }
}
