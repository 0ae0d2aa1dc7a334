// libFuzzer entry point for the incremental frame parser.
//
// The first input byte picks a chunk size, so the fuzzer also explores how frames are split
// across reads. Every frame the parser yields must re-encode to bytes that decode to the same
// frame; any crash, trap, leak or mismatch is a finding.
import KeyplanWire
import NIOCore

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzFrameParser(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let input = UnsafeBufferPointer(start: data, count: size)
    guard let first = input.first else { return 0 }
    let chunkSize = Int(first % 16) + 1
    let body = input.dropFirst()

    // A small limit, so the fuzzer reaches the size check and whole frames both.
    var parser = FrameParser(maxFrameSize: 4096)
    var offset = body.startIndex
    feeding: while offset < body.endIndex {
        let end = min(offset + chunkSize, body.endIndex)
        parser.append(ByteBuffer(bytes: body[offset..<end]))
        offset = end
        do {
            while let frame = try parser.next() {
                let reencoded = Array(buffer: frame.encoded())
                guard let again = try? Frame(decoding: reencoded, maxFrameSize: .max), again == frame else {
                    fatalError("frame does not round-trip: \(frame)")
                }
            }
        } catch {
            break feeding
        }
    }
    _ = try? parser.finish()
    _ = try? Frame(decoding: body)
    return 0
}
