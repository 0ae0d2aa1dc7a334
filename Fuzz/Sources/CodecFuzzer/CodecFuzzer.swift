import KeyplanWire

/// libFuzzer entry point: decodes the input as each message type. Decoding may throw; it must never crash, hang or
/// allocate without bound. A value that decodes must encode again, and its encoding must decode.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzDecoder(_ start: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    let bytes = UnsafeRawBufferPointer(start: start, count: count)
    // A shallow limit keeps deep inputs cheap; deep nesting is exercised against the limit all the same.
    let decoder = BinaryDecoder(configuration: .init(maximumDepth: 24))
    checkRoundTrip(FuzzPlan.self, bytes, decoder)
    checkRoundTrip(ThroughCodable<FuzzPlan>.self, bytes, decoder)
    checkRoundTrip([FuzzAction].self, bytes, decoder)
    checkRoundTrip(FuzzScorecard.self, bytes, decoder)
    checkRoundTrip(FuzzDerived.self, bytes, decoder)
    checkRoundTrip([String: [FuzzEvent?]].self, bytes, decoder)
    checkRoundTrip(FuzzEvent?.self, bytes, decoder)
    return 0
}

private func checkRoundTrip<T: Codable>(_ type: T.Type, _ bytes: UnsafeRawBufferPointer, _ decoder: BinaryDecoder) {
    guard let value = try? decoder.decode(type, from: bytes) else { return }
    let encoder = BinaryEncoder(configuration: .init(maximumDepth: 64))
    guard let encoded = try? encoder.encode(value) else {
        fatalError("a decoded \(T.self) failed to encode")
    }
    guard (try? decoder.decode(type, from: encoded)) != nil else {
        fatalError("the re-encoding of a decoded \(T.self) failed to decode: \(encoded)")
    }
}
