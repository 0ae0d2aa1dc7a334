import Foundation

/// Where the PostgreSQL server programs are: `pg_config --bindir`, else Debian's
/// `/usr/lib/postgresql/<version>/bin` (the newest), else `PATH`.
struct PostgresTools: Sendable {
    var initdb: String
    var pgCtl: String

    static func find() async throws -> PostgresTools {
        var candidates: [String] = []
        if let pgConfig = try await blockingIO({ which("pg_config") }),
            let output = try? await Subprocess.run(pgConfig, ["--bindir"]), output.status == 0
        {
            candidates.append(output.text.trimmingCharacters(in: .whitespacesAndNewlines))
        }
        let found = try await blockingIO { [candidates] in
            let debian = "/usr/lib/postgresql"
            let versions = (try? FileManager.default.contentsOfDirectory(atPath: debian)) ?? []
            let all =
                candidates
                + versions.compactMap(Int.init).sorted(by: >).map { "\(debian)/\($0)/bin" }
                + (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":").map(String.init)
            return all.first { FileManager.default.isExecutableFile(atPath: $0 + "/initdb") }
        }
        if let found {
            return PostgresTools(initdb: found + "/initdb", pgCtl: found + "/pg_ctl")
        }
        throw LocalClusterError(
            "PostgreSQL server programs (initdb, pg_ctl) not found: install the postgresql package (scripts/install-system-packages)"
        )
    }

    private static func which(_ program: String) -> String? {
        (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":")
            .map { "\($0)/\(program)" }
            .first { FileManager.default.isExecutableFile(atPath: $0) }
    }
}
