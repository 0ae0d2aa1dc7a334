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

        print("Account plan: 10 goals × 4 metrics, 30 contacts, 40 actions, 8 revenues, 8 criteria")
        print("Best of \(Measurement.rounds) interleaved rounds of \(iterations) operations (JSON: \(iterations / 10)) each")
        print("Encoded size: Keyplan \(keyplanBytes.count) B, SwiftProtobuf \(protoBytes.count) B, JSON \(jsonBytes.count) B")
        print("")

        var buffer: [UInt8] = []
        buffer.reserveCapacity(keyplanBytes.count)
        let all: [(String, Int, () throws -> Void)] = [
            ("Keyplan encode", iterations, { _ = try keyplanEncoder.encode(plan) }),
            (
                "Keyplan encode (reused buffer)", iterations,
                {
                    buffer.removeAll(keepingCapacity: true)
                    try keyplanEncoder.encode(plan, into: &buffer)
                }
            ),
            ("SwiftProtobuf encode", iterations, { let _: [UInt8] = try proto.serializedBytes() }),
            ("JSONEncoder encode", iterations / 10, { _ = try jsonEncoder.encode(plan) }),
            ("Keyplan decode", iterations, { _ = try keyplanDecoder.decode(AccountPlan.self, from: keyplanBytes) }),
            ("SwiftProtobuf decode", iterations, { _ = try PBAccountPlan(serializedBytes: protoBytes) }),
            ("JSONDecoder decode", iterations / 10, { _ = try jsonDecoder.decode(AccountPlan.self, from: jsonBytes) }),
        ]
        let results = try Measurement.interleaved(all.filter { only == nil || $0.0.contains(only!) })
        for result in results {
            print(result.name.padding(toLength: 32, withPad: " ", startingAt: 0), String(format: "%10.2f µs/op", result.microseconds))
        }

        guard only == nil else { return }
        func time(_ name: String) -> Double { results.first { $0.name == name }!.microseconds }
        print("")
        print(
            String(
                format: "Encode: Keyplan is %.1f× faster than JSON, %.2f× SwiftProtobuf's speed",
                time("JSONEncoder encode") / time("Keyplan encode"), time("SwiftProtobuf encode") / time("Keyplan encode")))
        print(
            String(
                format: "Decode: Keyplan is %.1f× faster than JSON, %.2f× SwiftProtobuf's speed",
                time("JSONDecoder decode") / time("Keyplan decode"), time("SwiftProtobuf decode") / time("Keyplan decode")))
    }
}

/// The time per operation of one benchmark: the best of several rounds on the monotonic clock.
struct Measurement {
    static let rounds = 12

    let name: String
    let microseconds: Double

    /// Times the operations in rounds, each round running every operation once in turn, so that a burst of load
    /// on the (shared) machine slows all of them alike rather than one; each keeps its fastest round.
    static func interleaved(_ operations: [(String, Int, () throws -> Void)]) throws -> [Measurement] {
        let clock = ContinuousClock()
        var best = [Duration](repeating: .seconds(1_000_000), count: operations.count)
        for (_, iterations, operation) in operations {
            for _ in 0..<max(iterations / 10, 1) { try operation() }  // warm-up
        }
        for _ in 0..<Self.rounds {
            for (index, (_, iterations, operation)) in operations.enumerated() {
                let elapsed = try clock.measure { for _ in 0..<iterations { try operation() } }
                best[index] = min(best[index], elapsed)
            }
        }
        return operations.indices.map { index in
            let (seconds, attoseconds) = best[index].components
            let total = Double(seconds) * 1e6 + Double(attoseconds) / 1e12
            return Measurement(name: operations[index].0, microseconds: total / Double(operations[index].1))
        }
    }
}
