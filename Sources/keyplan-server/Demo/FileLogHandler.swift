import Foundation
import Logging
import NIOConcurrencyHelpers

/// A log handler that appends lines to one file, in `StreamLogHandler`'s format: `demo seed`'s
/// in-process server logs there, so that the command prints its result and nothing else.
struct FileLogHandler: LogHandler {
    /// The open file, shared by every logger of the process; writes are serialized.
    final class Sink: Sendable {
        let path: String
        private let handle: NIOLockedValueBox<FileHandle>

        /// Creates (or empties) the file at `path`, and its folder.
        init(path: String) throws {
            let url = URL(fileURLWithPath: path)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            guard FileManager.default.createFile(atPath: path, contents: nil) else {
                throw DemoError("cannot create the log file \(path)")
            }
            self.path = path
            self.handle = NIOLockedValueBox(try FileHandle(forWritingTo: url))
        }

        func write(_ line: String) {
            handle.withLockedValue { try? $0.write(contentsOf: Data(line.utf8)) }
        }
    }

    let label: String
    let sink: Sink
    var logLevel: Logger.Level = .info
    var metadata: Logger.Metadata = [:]

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let merged = metadata.merging(event.metadata ?? [:]) { $1 }
        let fields = merged.isEmpty ? "" : " " + merged.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
        sink.write("\(Date().ISO8601Format()) \(event.level) \(label):\(fields) \(event.message)\n")
    }
}
