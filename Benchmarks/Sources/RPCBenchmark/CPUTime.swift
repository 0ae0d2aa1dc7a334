#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// CPU time (user + system) a process has used, summed over all its threads, living and exited.
struct CPUTime: Comparable, Sendable {
    var nanoseconds: Int64

    static func < (lhs: Self, rhs: Self) -> Bool { lhs.nanoseconds < rhs.nanoseconds }
    static func - (lhs: Self, rhs: Self) -> Self { Self(nanoseconds: lhs.nanoseconds - rhs.nanoseconds) }

    /// This process's CPU time, from `getrusage(RUSAGE_SELF)` (microsecond resolution).
    static func ofCurrentProcess() -> Self {
        var usage = rusage()
        #if canImport(Glibc)
        getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
        #else
        getrusage(RUSAGE_SELF, &usage)
        #endif
        func nanoseconds(_ time: timeval) -> Int64 { Int64(time.tv_sec) * 1_000_000_000 + Int64(time.tv_usec) * 1_000 }
        return Self(nanoseconds: nanoseconds(usage.ru_utime) + nanoseconds(usage.ru_stime))
    }

    /// Another process's CPU time, from fields 14 and 15 (utime, stime) of `/proc/<pid>/stat`.
    ///
    /// Resolution is one clock tick (usually 10 ms), small against a measured window of seconds.
    static func ofProcess(_ pid: Int32) throws -> Self {
        let path = "/proc/\(pid)/stat"
        guard let file = fopen(path, "r") else {
            throw EchoBenchmarkError.serverProcess("cannot open \(path); CPU accounting needs Linux's /proc")
        }
        defer { fclose(file) }
        var buffer = [CChar](repeating: 0, count: 4096)
        guard fgets(&buffer, Int32(buffer.count), file) != nil else {
            throw EchoBenchmarkError.serverProcess("cannot read \(path)")
        }
        let line = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        // The command name (field 2) is parenthesized and may hold spaces: count fields after its ')'.
        guard let nameEnd = line.lastIndex(of: ")") else {
            throw EchoBenchmarkError.serverProcess("unexpected \(path): \(line)")
        }
        let fields = line[line.index(after: nameEnd)...].split(separator: " ")
        // fields[0] is field 3 (state), so utime (14) and stime (15) are fields[11] and fields[12].
        guard fields.count > 12, let user = Int64(fields[11]), let system = Int64(fields[12]) else {
            throw EchoBenchmarkError.serverProcess("unexpected \(path): \(line)")
        }
        let ticksPerSecond = Int64(sysconf(Int32(_SC_CLK_TCK)))
        return Self(nanoseconds: (user + system) * 1_000_000_000 / ticksPerSecond)
    }
}
