import Foundation

/// The machine's 1-minute load average, from `/proc/loadavg`: how busy it was besides the benchmark.
enum LoadAverage {
    /// The 1-minute figure as the kernel prints it, or `unknown` off Linux.
    static func oneMinute() -> String {
        guard let text = try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8),
            let first = text.split(separator: " ").first
        else { return "unknown" }
        return String(first)
    }
}
