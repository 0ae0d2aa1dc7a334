import Foundation
import KeyplanWire
import Testing

/// `@WireMessage` refuses what it cannot generate with a reason, at the declaration that is wrong. Checked the way a
/// user meets it: the compiler, with the package's macro plugin, type-checks declarations and reports.
@Suite("WireMessage macro diagnostics")
struct WireMessageMacroDiagnosticsTests {
    /// Declarations the macro must refuse, each with the message and the line it is reported on.
    private static let refused: [(source: String, message: String)] = [
        ("@WireMessage\nenum Status: Int, Codable { case open }", "@WireMessage applies to structs"),
        (
            "@WireMessage\nstruct Custom: Codable { var id: Int\n    init(from decoder: any Decoder) throws { self.id = 1 }\n    enum CodingKeys: Int, CodingKey { case id = 1 } }",
            "the struct implements init(from:) itself, which generated coding would bypass; leave @WireMessage off"
        ),
        (
            "@WireMessage\nstruct NoKeys: Codable { var id: Int }",
            "@WireMessage needs a nested 'enum CodingKeys: Int, CodingKey' that numbers the fields"
        ),
        (
            "@WireMessage\nstruct StringKeys: Codable { var id: Int\n    enum CodingKeys: String, CodingKey { case id } }",
            "CodingKeys must be declared 'Int, CodingKey': its raw values are the field numbers"
        ),
        (
            "@WireMessage\nstruct FromZero: Codable { var id: Int\n    enum CodingKeys: Int, CodingKey { case id = 0 } }",
            "field 'id' has number 0 or less; field numbers start at 1 (write 'case id = 1')"
        ),
        (
            "@WireMessage\nstruct Implicit: Codable { var id: Int\n    enum CodingKeys: Int, CodingKey { case id } }",
            "field 'id' has no number of its own; write 'case id = N' (a number counted on from the case before would change when cases are inserted or moved)"
        ),
        (
            "@WireMessage\nstruct CountedOn: Codable { var id: Int; var name: String\n    enum CodingKeys: Int, CodingKey { case id = 1, name } }",
            "field 'name' has no number of its own; write 'case name = N' (a number counted on from the case before would change when cases are inserted or moved)"
        ),
        (
            "@WireMessage\nstruct Negative: Codable { var id: Int\n    enum CodingKeys: Int, CodingKey { case id = -1 } }",
            "field 'id' has number 0 or less; field numbers start at 1 (write 'case id = 1')"
        ),
        (
            "@WireMessage\nstruct Huge: Codable { var id: Int\n    enum CodingKeys: Int, CodingKey { case id = 0x2000_0000 } }",
            "field 'id' has a number above 536870911, the largest the format allows"
        ),
        (
            "@WireMessage\nstruct Overflowing: Codable { var id: Int\n    enum CodingKeys: Int, CodingKey { case id = 99999999999999999999 } }",
            "a field number must be an integer literal"
        ),
        (
            "@WireMessage\nstruct Conditional: Codable { var id: Int\n    enum CodingKeys: Int, CodingKey {\n#if DEBUG\n case id = 1\n#endif\n} }",
            "CodingKeys must not use #if: the fields and their numbers would depend on the build"
        ),
        (
            "@WireMessage\nstruct Wrapped: Codable { @Clamped var id: Int\n    enum CodingKeys: Int, CodingKey { case id = 1 } }",
            "property 'id' is wrapped by @Clamped, which @WireMessage cannot code as Codable does; leave it out of CodingKeys or leave @WireMessage off"
        ),
        (
            "@WireMessage\nstruct Lazy: Codable { lazy var id: Int = 1\n    enum CodingKeys: Int, CodingKey { case id = 1 } }",
            "property 'id' is lazy, which @WireMessage cannot code as Codable does; leave it out of CodingKeys or leave @WireMessage off"
        ),
        (
            "@WireMessage\nstruct Unmatched: Codable { var id: Int\n    enum CodingKeys: Int, CodingKey { case id = 1, name = 2 } }",
            "CodingKeys case 'name' names no stored property"
        ),
        (
            "@WireMessage\nstruct Computed: Codable { var id: Int { 1 }\n    enum CodingKeys: Int, CodingKey { case id = 1 } }",
            "CodingKeys case 'id' names no stored property"
        ),
        (
            "@WireMessage\nstruct Untyped: Codable { var id = 0\n    enum CodingKeys: Int, CodingKey { case id = 1 } }",
            "property 'id' needs an explicit type for @WireMessage"
        ),
        (
            "@WireMessage\nstruct Constant: Codable { let id: Int = 1\n    enum CodingKeys: Int, CodingKey { case id = 1 } }",
            "'id' is a constant with an initial value, which decoding cannot set; make it 'var' or leave it out of CodingKeys"
        ),
    ]

    /// The macro's declaration as KeyplanWire makes it (without the module, whose C dependencies a bare compiler
    /// invocation would have to be told about): refused declarations never reach the generated code's references.
    private static let prelude = """
        protocol WireMessage {}
        protocol WireDescribed {}
        @attached(member, names: named(__readWireFields), named(wireDescription), named(init))
        @attached(extension, conformances: WireMessage, WireDescribed, names: named(wireKeys), named(init(wireFields:)), named(encode(wireFields:)))
        macro WireMessage() = #externalMacro(module: "KeyplanWireMacros", type: "WireMessageMacro")

        """

    @Test("each refused declaration gets its own error, on its own lines")
    func refusals() throws {
        var source = Self.prelude
        var expected: [(lines: ClosedRange<Int>, message: String)] = []
        for (declaration, message) in Self.refused {
            let first = source.split(separator: "\n", omittingEmptySubsequences: false).count
            source += declaration + "\n\n"
            let last = first + declaration.split(separator: "\n").count - 1
            expected.append((first...last, message))
        }
        let output = try self.typecheck(source)
        // The compiler adds its own errors where a refused declaration cannot be `Codable` either; counted are the
        // macro's.
        let errors = output.split(separator: "\n").filter { $0.contains(": error: ") && $0.hasSuffix("(from macro 'WireMessage')") }
        #expect(errors.count == expected.count, "\(output)")
        for (lines, message) in expected {
            let reported = errors.contains { line in
                let parts = line.split(separator: ":")
                guard parts.count > 2, let number = Int(parts[1]) else { return false }
                return lines.contains(number) && line.contains(message)
            }
            #expect(reported, "no error '\(message)' on lines \(lines) in:\n\(output)")
        }
    }

    /// The compiler's diagnostics for `source`, type-checked with this build's macro plugin.
    private func typecheck(_ source: String) throws -> String {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("wire-message-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("Declarations.swift")
        try source.write(to: file, atomically: true, encoding: .utf8)

        let process = Process()
        process.executableURL = try Self.compiler()
        process.arguments = ["-typecheck", "-load-plugin-executable", "\(try Self.plugin().path)#KeyplanWireMacros", file.path]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: output, as: UTF8.self)
    }

    /// `swiftc` from the PATH the tests run with (the toolchain that built them).
    private static func compiler() throws -> URL {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
        for directory in path.split(separator: ":") {
            let candidate = URL(fileURLWithPath: String(directory)).appendingPathComponent("swiftc")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
        }
        throw ToolNotFound(name: "swiftc", searched: path)
    }

    /// The macro plugin SwiftPM built next to this test bundle.
    private static func plugin() throws -> URL {
        let bundle = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent()
        let plugin = bundle.appendingPathComponent("KeyplanWireMacros-tool")
        guard FileManager.default.isExecutableFile(atPath: plugin.path) else {
            throw ToolNotFound(name: "KeyplanWireMacros-tool", searched: bundle.path)
        }
        return plugin
    }

    struct ToolNotFound: Error {
        let name: String
        let searched: String
    }
}
