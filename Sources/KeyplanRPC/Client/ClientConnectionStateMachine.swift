import KeyplanWire
import NIOCore

/// The protocol rules of one client connection (`Protocols/frames.md`, sections 4–6), as a pure
/// value. ``ClientConnectionHandler`` carries out its actions.
struct ClientConnectionStateMachine {
    enum State: Equatable {
        case awaitingPreface
        case ready
        /// The server sent GOAWAY: no new calls; close when the open ones end.
        case goingAway
        case closed
    }

    enum Action: Equatable {
        case none
        case send([Frame])
        case deliverHeaders(callID: UInt32, [MetadataField])
        case deliverMessage(callID: UInt32, ByteBuffer)
        case endCall(callID: UInt32, Frame.End)
        /// The server will not process these calls; fail them with UNAVAILABLE.
        case goAway(unprocessed: [UInt32], Frame.GoAway)
        /// Send `GOAWAY` if given, close, and fail every open call with the error.
        case close(Frame.GoAway?, RPCError)
    }

    private(set) var state: State = .awaitingPreface
    /// Open calls, each with whether it may still receive `HEADERS` (not after one, nor after a message).
    private var openCalls: [UInt32: Bool] = [:]
    private var highestCallID: UInt32 = 0
    /// The largest payload the server accepts.
    private(set) var peerMaxFrameSize: UInt32 = FrameParser.defaultMaxFrameSize
    /// The most calls the server lets this connection keep open (its MAX_CONCURRENT_CALLS; unlimited until it says).
    private(set) var peerMaxConcurrentCalls = Int.max

    var openCallCount: Int { openCalls.count }

    /// The first frames a client sends.
    static func preface(maxFrameSize: UInt32) -> [Frame] {
        [.preface(Frame.Preface()), .settings(Frame.Settings(values: [.init(id: Frame.Settings.Setting.maxFrameSizeID, value: maxFrameSize)]))]
    }

    /// An `OPEN` for `callID` was written.
    mutating func callOpened(_ callID: UInt32) {
        openCalls[callID] = true
        highestCallID = max(highestCallID, callID)
    }

    /// The client gave up a call (cancel, deadline). Returns `.close` if that was the last call
    /// on a connection the server is draining.
    mutating func callAbandoned(_ callID: UInt32) -> Action {
        openCalls.removeValue(forKey: callID)
        return closeIfDrained()
    }

    mutating func receive(_ frame: Frame) -> Action {
        switch state {
        case .closed:
            return .none
        case .awaitingPreface:
            if case .goAway(let goAway) = frame {
                // A server refusing the connection (e.g. too many open) says why in place of its preface.
                state = .closed
                return .close(nil, RPCError(code: .unavailable, message: "the server refused the connection: \(goAway.message)"))
            }
            guard case .preface(let preface) = frame else {
                return violation("expected PREFACE as the server's first frame, got \(frame.type)")
            }
            guard preface.version == Frame.Preface.currentVersion else {
                return violation("the server speaks protocol version \(preface.version)")
            }
            state = .ready
            return .none
        case .ready, .goingAway:
            break
        }
        switch frame {
        case .preface:
            return violation("a second PREFACE")
        case .settings(let settings):
            guard !settings.isAck else { return .none }
            if let size = settings[Frame.Settings.Setting.maxFrameSizeID] {
                guard size >= Frame.Settings.Setting.minimumMaxFrameSize else {
                    return violation("MAX_FRAME_SIZE of \(size) is below the minimum of \(Frame.Settings.Setting.minimumMaxFrameSize)")
                }
                peerMaxFrameSize = size
            }
            if let calls = settings[Frame.Settings.Setting.maxConcurrentCallsID] { peerMaxConcurrentCalls = Int(calls) }
            return .send([.settings(.ack)])
        case .ping(let opaque):
            return .send([.pong(opaque)])
        case .pong:
            return .none
        case .goAway(let goAway):
            state = .goingAway
            let unprocessed = openCalls.keys.filter { $0 > goAway.lastCallID }.sorted()
            for callID in unprocessed { openCalls.removeValue(forKey: callID) }
            return .goAway(unprocessed: unprocessed, goAway)
        case .open, .halfClose, .cancel:
            return violation("\(frame.type) frames are sent by clients only")
        case .headers(let callID, let fields):
            guard openCalls[callID] != false else {
                return violation("HEADERS after HEADERS or MESSAGE on call \(callID)")
            }
            let action = withCall(callID, frame.type) { .deliverHeaders(callID: callID, fields) }
            if openCalls[callID] != nil { openCalls[callID] = false }
            return action
        case .message(let callID, let message):
            let action = withCall(callID, frame.type) { .deliverMessage(callID: callID, message) }
            if openCalls[callID] != nil { openCalls[callID] = false }
            return action
        case .end(let callID, let end):
            let action = withCall(callID, frame.type) { .endCall(callID: callID, end) }
            openCalls.removeValue(forKey: callID)
            return action
        }
    }

    /// After a call's end was delivered: close a drained connection.
    mutating func closeIfDrained() -> Action {
        guard state == .goingAway, openCalls.isEmpty else { return .none }
        state = .closed
        return .close(nil, .unavailable("the server closed the connection"))
    }

    mutating func receiveError(_ error: FrameError) -> Action {
        guard state != .closed else { return .none }
        state = .closed
        let code: StatusCode
        if case .frameTooLarge = error { code = .resourceExhausted } else { code = .internal }
        return .close(
            Frame.GoAway(lastCallID: 0, code: code, message: error.description),
            RPCError(code: .unavailable, message: "the server sent a malformed frame: \(error)"))
    }

    mutating func closed() {
        state = .closed
        openCalls.removeAll()
    }

    private mutating func withCall(_ callID: UInt32, _ type: FrameType, _ action: () -> Action) -> Action {
        if openCalls[callID] != nil { return action() }
        // Crossed our CANCEL; or the server names a call we never opened.
        return callID <= highestCallID ? .none : violation("\(type) for call \(callID), which was never opened")
    }

    private mutating func violation(_ message: String) -> Action {
        state = .closed
        return .close(
            Frame.GoAway(lastCallID: 0, code: .internal, message: "protocol violation: \(message)"),
            RPCError(code: .unavailable, message: "protocol violation by the server: \(message)"))
    }
}
