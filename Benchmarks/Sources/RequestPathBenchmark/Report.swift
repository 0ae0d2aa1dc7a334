import Foundation

/// The results side by side, and the targets as ratios of this run.
enum Report {
    struct Row: Sendable {
        var name: String
        var inFlight: Int
        var callsPerSecond: Double
        var p50Microseconds: Double
        var p99Microseconds: Double
        var serverCPUPercent: Double?
        var postgresCPUPercent: Double
        var statementsPerCall: Double?
        var roundTripsPerCall: Double?
        var walSyncsPerCall: Double
    }

    static func print(_ rows: [Row]) {
        func format(_ value: Double?, _ digits: Int) -> String { value.map { String(format: "%.\(digits)f", $0) } ?? "–" }
        Swift.print(
            "| in flight | what | calls/s | p50 ms | p99 ms | server CPU % | PostgreSQL CPU % | statements/call | round trips/call | WAL flushes/call |"
        )
        Swift.print("|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|")
        for row in rows {
            Swift.print(
                "| \(row.inFlight) | \(row.name) | \(format(row.callsPerSecond, 0)) | \(format(row.p50Microseconds / 1000, 3)) | "
                    + "\(format(row.p99Microseconds / 1000, 3)) | \(format(row.serverCPUPercent, 0)) | \(format(row.postgresCPUPercent, 0)) | "
                    + "\(format(row.statementsPerCall, 2)) | \(format(row.roundTripsPerCall, 2)) | \(format(row.walSyncsPerCall, 3)) |")
        }
        Swift.print("")
        func row(_ prefix: String, _ inFlight: Int) -> Row? { rows.first { $0.name.hasPrefix(prefix) && $0.inFlight == inFlight } }
        for mode in ["simple", "prepared"] {
            let pgbench = "pgbench -S -M \(mode)"
            if let get = row("Keyplan Goals/Get", 1), let floor = row(pgbench, 1) {
                Swift.print(
                    String(
                        format: "Goals/Get at 1 in flight: p50 %.2f× that of %@ (target ≤ 4×)", get.p50Microseconds / floor.p50Microseconds, pgbench))
            }
            if let get = row("Keyplan Goals/Get", 64), let update = row("Keyplan Goals/Update", 64), let floor = row(pgbench, 64) {
                Swift.print(
                    String(
                        format: "Goals/Get at 64 in flight: %.1f%% of %@'s transactions/s (target ≥ 50%%)",
                        get.callsPerSecond / floor.callsPerSecond * 100, pgbench))
                Swift.print(
                    String(
                        format: "Goals/Update at 64 in flight: %.1f%% of %@'s transactions/s (target ≥ 25%%)",
                        update.callsPerSecond / floor.callsPerSecond * 100, pgbench))
                if let spread = row("Keyplan Goals/Update, own account", 64) {
                    Swift.print(
                        String(
                            format: "Goals/Update at 64 in flight, each worker in its own account: %.1f%% of %@'s transactions/s",
                            spread.callsPerSecond / floor.callsPerSecond * 100, pgbench))
                }
            }
        }
        for inFlight in [16, 64] {
            if let replay = rows.first(where: { $0.name.hasPrefix("pgbench, Goals/Get") && $0.inFlight == min(inFlight, 8) }),
                let floor = row("pgbench -S -M simple", inFlight), let get = row("Keyplan Goals/Get", inFlight)
            {
                Swift.print(
                    String(
                        format:
                            "At %d in flight, PostgreSQL alone runs Goals/Get's statements at %.1f%% of pgbench -S -M simple's rate; Keyplan's Goals/Get reaches %.1f%% of that",
                        inFlight, replay.callsPerSecond / floor.callsPerSecond * 100, get.callsPerSecond / replay.callsPerSecond * 100))
            }
        }
        for inFlight in [1, 16, 64] {
            if let gateway = row("HTTP/JSON Goals/Get", inFlight), let binary = row("Keyplan Goals/Get", inFlight) {
                Swift.print(
                    String(
                        format: "Goals/Get through the HTTP/JSON gateway at %d in flight: %.1f%% of the binary protocol's calls/s (target ≥ 50%%)",
                        inFlight, gateway.callsPerSecond / binary.callsPerSecond * 100))
            }
        }
        if let get = row("Keyplan Goals/Get", 16), let health = row("Keyplan ServerHealth/Check", 16) {
            Swift.print(
                String(
                    format: "Goals/Get at 16 in flight: %.1f%% of the RPC runtime's floor (ServerHealth/Check)",
                    get.callsPerSecond / health.callsPerSecond * 100))
        }
    }
}
