import Testing

@testable import KeyplanLocalDatabase

#if canImport(Glibc)
import Glibc
#endif

@Suite("Subprocess")
struct SubprocessTests {
    @Test("a command inherits none of our descriptors besides its standard ones")
    func inheritsNoDescriptor() async throws {
        // Not close-on-exec, like a socket NIO has just accepted.
        var ends: [Int32] = [0, 0]
        try #require(pipe(&ends) == 0)
        defer { ends.forEach { close($0) } }
        let output = try await Subprocess.run("/bin/sh", ["-c", "ls /proc/$$/fd"])
        try #require(output.status == 0, "\(output.text)")
        let open = Set(output.text.split(whereSeparator: \.isWhitespace).compactMap { Int32($0) })
        #expect(open.contains(0) && open.contains(1) && open.contains(2), "the listing: \(output.text)")
        #expect(open.isDisjoint(with: ends), "the command had our pipe (\(ends)) open: \(open.sorted())")
    }
}
