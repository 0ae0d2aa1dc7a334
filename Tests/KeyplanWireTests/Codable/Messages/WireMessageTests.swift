import Foundation
import KeyplanWire
import Testing

/// Messages with generated coding write and read exactly the bytes of their `Codable` conformance, keep the
/// format's evolution rules, and fail on bad input the way the keyed container does.
@Suite("WireMessage")
struct WireMessageTests {
    private func encode<T: Encodable>(_ value: T) throws -> [UInt8] { try BinaryEncoder().encode(value) }
    private func decode<T: Decodable>(_ type: T.Type, _ bytes: [UInt8]) throws -> T { try BinaryDecoder().decode(type, from: bytes) }

    @Test("generated and Codable coding agree byte for byte, both ways, on random messages", arguments: 0..<4)
    func agreesWithCodable(seed: UInt64) throws {
        var rng = SeededGenerator(seed: 0x5EED_0000 + seed)
        for _ in 0..<50 {
            let roadmap = rng.roadmap()
            let generated = try self.encode(roadmap)
            let viaCodable = try self.encode(ViaCodable(roadmap))
            #expect(hex(generated) == hex(viaCodable))
            #expect(try self.decode(Roadmap.self, viaCodable) == roadmap)
            #expect(try self.decode(ViaCodable<Roadmap>.self, generated).value == roadmap)
            // As an element and as an optional field of a Codable-only parent, too.
            #expect(try self.decode([Roadmap].self, try self.encode([roadmap, roadmap])) == [roadmap, roadmap])
            #expect(try self.decode(Roadmap?.self, try self.encode(Roadmap?.some(roadmap))) == roadmap)
        }
    }

    @Test("fields in any order decode; unknown and named fields are skipped")
    func fieldOrderAndUnknownFields() throws {
        // Field 2 "b", a named field "x" = 1, an unknown varint field 9 = 7, then field 1 = 3.
        let bytes: [UInt8] = [0x12, 0x01, 0x62, 0x00, 0x01, 0x78, 0x02, 0x48, 0x07, 0x08, 0x06]
        #expect(try self.decode(RoadmapV1.self, bytes) == RoadmapV1(id: 3, title: "b"))
    }

    @Test("the generated code is what decodes: of a repeated field it keeps the last value, the keyed container the first")
    func repeatedField() throws {
        // Field 1 = 3, field 2 "b", field 2 "c" (the format leaves the choice to the decoder).
        let bytes: [UInt8] = [0x08, 0x06, 0x12, 0x01, 0x62, 0x12, 0x01, 0x63]
        #expect(try self.decode(RoadmapV1.self, bytes) == RoadmapV1(id: 3, title: "c"))
        #expect(try self.decode(ViaCodable<RoadmapV1>.self, bytes).value == RoadmapV1(id: 3, title: "b"))
    }

    @Test("a newer peer's message decodes in an older one, and the reverse")
    func evolution() throws {
        let newer = RoadmapV2(
            id: 7, title: "plan", owner: Milestone(name: "m", default: true, contact: nil), tags: ["a", "b"], score: 2.5, weight: -1,
            budget: Money(minorUnits: 1234, currency: CurrencyCode("EUR")!), steps: [Milestone(name: "s", default: false, contact: nil)]
        )
        #expect(try self.decode(RoadmapV1.self, try self.encode(newer)) == RoadmapV1(id: 7, title: "plan"))
        let older = RoadmapV1(id: 8, title: "old")
        #expect(
            try self.decode(RoadmapV2.self, try self.encode(older))
                == RoadmapV2(id: 8, title: "old", owner: nil, tags: nil, score: nil, weight: nil, budget: nil, steps: nil)
        )
    }

    @Test("an absent field whose type is an Optional the macro cannot see decodes as nil, as through Codable")
    func hiddenOptionals() throws {
        for value in [Annotated<Int?>(id: 1, note: nil, qualified: nil, extra: nil), Annotated<Int?>(id: 2, note: "n", qualified: 3, extra: 4)] {
            let bytes = try self.encode(value)
            #expect(bytes == (try self.encode(ViaCodable(value))))
            #expect(try self.decode(Annotated<Int?>.self, bytes) == value)
            #expect(try self.decode(ViaCodable<Annotated<Int?>>.self, bytes).value == value)
        }
        // A generic field that is not an Optional is still required.
        let error = #expect(throws: DecodingError.self) { try self.decode(Annotated<Int>.self, [0x08, 0x02]) }
        guard case .keyNotFound(let key, _) = error else {
            Issue.record("expected keyNotFound, got \(String(describing: error))")
            return
        }
        #expect(key.stringValue == "extra")
    }

    @Test("a missing required field is keyNotFound with the message's coding path")
    func missingRequiredField() throws {
        // Two milestones: the first whole (name "a", default false), the second without its name (field 1).
        let bytes: [UInt8] = [0x02, 0x05, 0x0A, 0x01, 0x61, 0x10, 0x00, 0x02, 0x10, 0x01]
        #expect(try self.decode([Milestone].self, [0x01] + bytes[1..<7]) == [Milestone(name: "a", default: false, contact: nil)])
        let error = #expect(throws: DecodingError.self) { try self.decode([Milestone].self, bytes) }
        guard case .keyNotFound(let key, let context) = error else {
            Issue.record("expected keyNotFound, got \(String(describing: error))")
            return
        }
        #expect(key.stringValue == "name" && key.intValue == 1)
        #expect(context.codingPath.map(\.stringValue) == ["Index 1"])
    }

    @Test(
        "inside a generated message, a nested message's missing field names the path to it",
        arguments: [
            // RoadmapV2 id 1, title "a", then an owner (field 3) without its name: only `default` = true.
            ([0x08, 0x02, 0x12, 0x01, 0x61, 0x1A, 0x02, 0x10, 0x01], ["owner"]),
            // The same, then steps (field 7): two milestones, the second without its name.
            ([0x08, 0x02, 0x12, 0x01, 0x61, 0x3A, 0x0A, 0x02, 0x05, 0x0A, 0x01, 0x62, 0x10, 0x00, 0x02, 0x10, 0x01], ["steps", "Index 1"]),
        ] as [([UInt8], [String])])
    func missingNestedField(bytes: [UInt8], path: [String]) throws {
        let error = #expect(throws: DecodingError.self) { try self.decode(RoadmapV2.self, bytes) }
        guard case .keyNotFound(let key, let context) = error else {
            Issue.record("expected keyNotFound, got \(String(describing: error))")
            return
        }
        #expect(key.stringValue == "name")
        #expect(context.codingPath.map(\.stringValue) == path)
    }

    @Test(
        "a nested message or sequence of the wrong wire type is a typeMismatch naming the field",
        arguments: [
            ([0x08, 0x02, 0x12, 0x01, 0x61, 0x18, 0x01], ["owner"]),
            ([0x08, 0x02, 0x12, 0x01, 0x61, 0x38, 0x01], ["steps"]),
        ] as [([UInt8], [String])])
    func nestedWireTypeMismatch(bytes: [UInt8], path: [String]) throws {
        let error = #expect(throws: DecodingError.self) { try self.decode(RoadmapV2.self, bytes) }
        #expect(codingPath(of: error) == path)
        guard case .typeMismatch = error else {
            Issue.record("expected typeMismatch, got \(String(describing: error))")
            return
        }
    }

    @Test("a field of the wrong wire type is a typeMismatch naming the field")
    func wrongWireType() throws {
        // RoadmapV1 with `title` (field 2) sent as a varint.
        let error = #expect(throws: DecodingError.self) { try self.decode(RoadmapV1.self, [0x08, 0x02, 0x10, 0x05]) }
        #expect(codingPath(of: error) == ["title"])
        guard case .typeMismatch = error else {
            Issue.record("expected typeMismatch, got \(String(describing: error))")
            return
        }
    }

    @Test("truncated and corrupt input throws with the path, never traps", arguments: 0..<3)
    func malformedInput(seed: UInt64) throws {
        var rng = SeededGenerator(seed: 0xBAD_0000 + seed)
        let bytes = try self.encode(rng.roadmap())
        for cut in stride(from: 0, to: bytes.count, by: max(1, bytes.count / 97)) {
            #expect(throws: DecodingError.self) { try self.decode(Roadmap.self, Array(bytes.prefix(cut))) }
        }
        for _ in 0..<300 {
            var corrupt = bytes
            corrupt[Int.random(in: 0..<corrupt.count, using: &rng)] = UInt8.random(in: 0...255, using: &rng)
            do {
                _ = try self.decode(Roadmap.self, corrupt)
            } catch is DecodingError {
                // Expected for most corruptions; some still decode (a changed string byte, say).
            }
        }
    }

    @Test("nesting past the limit throws instead of recursing without bound")
    func nestingLimit() throws {
        var rng = SeededGenerator(seed: 5)
        var roadmap = rng.roadmap(depth: 0)
        for _ in 0..<20 {
            var parent = rng.roadmap(depth: 0)
            parent.children = [roadmap]
            roadmap = parent
        }
        let bytes = try self.encode(roadmap)
        #expect(try self.decode(Roadmap.self, bytes) == roadmap)
        let strict = BinaryDecoder(configuration: .init(maximumDepth: 16))
        #expect(throws: DecodingError.self) { try strict.decode(Roadmap.self, from: bytes) }
        let strictEncoder = BinaryEncoder(configuration: .init(maximumDepth: 16))
        #expect(throws: EncodingError.self) { try strictEncoder.encode(roadmap) }
    }
}
