import Foundation
import Testing

/// Checks `Protocols/vectors/encoding.json` in both directions: each value encodes to exactly its bytes, and the
/// bytes decode to the value.
@Suite("Golden vectors")
struct GoldenVectorTests {
    struct VectorFile: Decodable {
        struct Vector: Decodable {
            let name: String
            let type: String
            let value: String
            let hex: String
        }

        let vectors: [Vector]
    }

    static let vectorFile = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()  // Codable
        .deletingLastPathComponent()  // KeyplanWireTests
        .deletingLastPathComponent()  // Tests
        .deletingLastPathComponent()  // package root
        .appendingPathComponent("Protocols/vectors/encoding.json")

    static func loadVectors() throws -> [VectorFile.Vector] {
        try JSONDecoder().decode(VectorFile.self, from: Data(contentsOf: self.vectorFile)).vectors
    }

    @Test("every vector has a Swift value and every value a vector")
    func vectorsAndCasesMatch() throws {
        let fileNames = try Self.loadVectors().map(\.name)
        let caseNames = GoldenCases.all.map(\.name)
        #expect(Set(fileNames).count == fileNames.count, "duplicate vector names")
        #expect(Set(fileNames) == Set(caseNames))
    }

    @Test("encoding each value gives the vector's bytes", arguments: GoldenCases.all.map(\.name))
    func encodes(name: String) throws {
        let vector = try #require(try Self.loadVectors().first { $0.name == name })
        let golden = try #require(GoldenCases.all.first { $0.name == name })
        #expect(hex(try golden.encode()) == vector.hex, "\(vector.type): \(vector.value)")
    }

    @Test("decoding each vector's bytes gives the value", arguments: GoldenCases.all.map(\.name))
    func decodes(name: String) throws {
        let vector = try #require(try Self.loadVectors().first { $0.name == name })
        let golden = try #require(GoldenCases.all.first { $0.name == name })
        let encoded = try #require(bytes(hex: vector.hex))
        #expect(try golden.decodesToValue(encoded), "\(vector.type): \(vector.value)")
    }
}
