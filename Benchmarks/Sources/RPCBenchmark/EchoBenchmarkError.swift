/// Why a benchmark run could not produce figures.
enum EchoBenchmarkError: Error, CustomStringConvertible {
    /// A server did not come up listening.
    case notListening(String)
    /// A server process failed or its accounting could not be read.
    case serverProcess(String)
    /// An echo came back different from what was sent: the figures would be meaningless.
    case wrongEcho(system: String, sent: Int, received: Int)
    /// A response arrived with no call waiting for it.
    case unsolicitedResponse(system: String)

    var description: String {
        switch self {
        case .notListening(let detail): "server not listening: \(detail)"
        case .serverProcess(let detail): "server process: \(detail)"
        case .wrongEcho(let system, let sent, let received):
            "\(system) echoed \(received) bytes for \(sent) sent, or different bytes"
        case .unsolicitedResponse(let system): "\(system) sent a response no call was waiting for"
        }
    }
}
