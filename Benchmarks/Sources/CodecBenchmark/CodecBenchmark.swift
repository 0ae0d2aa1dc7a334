import AccountPlanFixture
import Foundation
import KeyplanWire
import SwiftProtobuf

/// Encodes and decodes a realistic account plan with Keyplan's binary Codable, Foundation's JSON coders and
/// SwiftProtobuf's binary format, in one run, and prints the time per operation and the ratios.
///
///     swift run -c release CodecBenchmark [iterations] [only]
///
/// `only` restricts the run to the measurements whose names contain it (for profiling one of them).
@main
struct CodecBenchmark {
    static func main() throws {
        let arguments = CommandLine.arguments.dropFirst()
        let iterations = arguments.first.flatMap(Int.init) ?? 2_000
        let only = arguments.dropFirst().first
        let plan = AccountPlan.sample()
        let proto = plan.proto

        let keyplanEncoder = BinaryEncoder()
        let keyplanDecoder = BinaryDecoder()
        let jsonEncoder = JSONEncoder()
        let jsonDecoder = JSONDecoder()

        // Each format must round-trip the plan before it is timed.
        let keyplanBytes = try keyplanEncoder.encode(plan)
        let jsonBytes = try jsonEncoder.encode(plan)
        let protoBytes: [UInt8] = try proto.serializedBytes()
        let keyplanDecoded = try keyplanDecoder.decode(AccountPlan.self, from: keyplanBytes)
        let jsonDecoded = try jsonDecoder.decode(AccountPlan.self, from: jsonBytes)
        let protoDecoded = try PBAccountPlan(serializedBytes: protoBytes)
        precondition(keyplanDecoded == plan, "Keyplan round trip differs")
        precondition(jsonDecoded == plan, "JSON round trip differs")
        precondition(protoDecoded == proto, "SwiftProtobuf round trip differs")

        print("Account plan: 10 goals × 4 metrics, 30 contacts, 40 actions, 8 revenues, 8 criteria; \(iterations) iterations, best of 5 runs")
        print("Encoded size: Keyplan \(keyplanBytes.count) B, SwiftProtobuf \(protoBytes.count) B, JSON \(jsonBytes.count) B")
        print("")

        var buffer: [UInt8] = []
        buffer.reserveCapacity(keyplanBytes.count)
        let all: [(String, Int, () throws -> Void)] = [
            ("Keyplan encode", iterations, { _ = try keyplanEncoder.encode(plan) }),
            ("Keyplan encode (reused buffer)", iterations, {
                buffer.removeAll(keepingCapacity: true)
                try keyplanEncoder.encode(plan, into: &buffer)
            }),
            ("SwiftProtobuf encode", iterations, { let _: [UInt8] = try proto.serializedBytes() }),
            ("JSONEncoder encode", iterations / 10, { _ = try jsonEncoder.encode(plan) }),
            ("Keyplan decode", iterations, { _ = try keyplanDecoder.decode(AccountPlan.self, from: keyplanBytes) }),
            ("SwiftProtobuf decode", iterations, { _ = try PBAccountPlan(serializedBytes: protoBytes) }),
            ("JSONDecoder decode", iterations / 10, { _ = try jsonDecoder.decode(AccountPlan.self, from: jsonBytes) }),
        ]
        let results = try all.filter { only == nil || $0.0.contains(only!) }.map { try Measurement($0.0, $0.1, $0.2) }
        for result in results {
            print(result.name.padding(toLength: 32, withPad: " ", startingAt: 0), String(format: "%10.2f µs/op", result.microseconds))
        }

        guard only == nil else { return }
        func time(_ name: String) -> Double { results.first { $0.name == name }!.microseconds }
        print("")
        print(String(format: "Encode: Keyplan is %.1f× faster than JSON, %.2f× SwiftProtobuf's speed",
                     time("JSONEncoder encode") / time("Keyplan encode"), time("SwiftProtobuf encode") / time("Keyplan encode")))
        print(String(format: "Decode: Keyplan is %.1f× faster than JSON, %.2f× SwiftProtobuf's speed",
                     time("JSONDecoder decode") / time("Keyplan decode"), time("SwiftProtobuf decode") / time("Keyplan decode")))
    }
}

/// The best of five timed runs of `iterations` calls, on the monotonic clock.
struct Measurement {
    let name: String
    let microseconds: Double

    init(_ name: String, _ iterations: Int, _ operation: () throws -> Void) rethrows {
        let clock = ContinuousClock()
        for _ in 0..<max(iterations / 10, 1) { try operation() }  // warm-up
        var best = Duration.seconds(1_000_000)
        for _ in 0..<5 {
            let elapsed = try clock.measure { for _ in 0..<iterations { try operation() } }
            best = min(best, elapsed)
        }
        self.name = name
        let (seconds, attoseconds) = best.components
        self.microseconds = (Double(seconds) * 1e6 + Double(attoseconds) / 1e12) / Double(iterations)
    }
}
