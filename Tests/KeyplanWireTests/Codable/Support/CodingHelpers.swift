import KeyplanWire

/// Encodes `value` and decodes the bytes back as the same type.
func roundTrip<T: Codable>(_ value: T, encoder: BinaryEncoder = BinaryEncoder(), decoder: BinaryDecoder = BinaryDecoder()) throws -> T {
    try decoder.decode(T.self, from: try encoder.encode(value))
}

/// Bytes as lower-case hex without separators, as the golden vectors write them.
func hex(_ bytes: [UInt8]) -> String {
    bytes.map { byte in
        let digits = Array("0123456789abcdef")
        return String([digits[Int(byte >> 4)], digits[Int(byte & 0x0F)]])
    }.joined()
}

/// The bytes of a hex string (spaces allowed between bytes), or nil when it is not hex.
func bytes(hex string: String) -> [UInt8]? {
    let digits = string.filter { !$0.isWhitespace }
    guard digits.count % 2 == 0 else { return nil }
    var result: [UInt8] = []
    var index = digits.startIndex
    while index < digits.endIndex {
        let next = digits.index(index, offsetBy: 2)
        guard let byte = UInt8(digits[index..<next], radix: 16) else { return nil }
        result.append(byte)
        index = next
    }
    return result
}

/// The coding path of a `DecodingError` as its keys' string values.
func codingPath(of error: DecodingError?) -> [String]? {
    guard let error else { return nil }
    let context: DecodingError.Context
    switch error {
    case .dataCorrupted(let c): context = c
    case .keyNotFound(let key, let c): return (c.codingPath + [key]).map(\.stringValue)
    case .typeMismatch(_, let c): context = c
    case .valueNotFound(_, let c): context = c
    @unknown default: return nil
    }
    return context.codingPath.map(\.stringValue)
}
