import KeyplanWire
import NIOCore

/// The protocol rules of one server connection (`Protocols/frames.md`, sections 4–6), as a pure
/// value: frames and events in, actions out. ``ServerConnectionHandler`` carries the actions out.
struct ServerConnectionStateMachine {
    struct Configuration {
        var maxFrameSize: UInt32
        var maxConcurrentCalls: Int
        /// The largest request metadata admitted, as ``Metadata/size(of:)`` counts it.
        var maxMetadataSize: Int = 16 << 10
    }

    enum State: Equatable {
        case awaitingPreface
        case active
        /// GOAWAY sent: no new calls; close once the open ones end.
        case draining
        case closed
    }

    enum Action: Equatable {
        case none
        /// Write these frames.
        case send([Frame])
        /// Admit a call: the handler looks up its method and starts it.
        case startCall(callID: UInt32, Frame.Open)
        /// End a call that never started, with this status.
        case rejectCall(callID: UInt32, Frame.End)
        case deliverMessage(callID: UInt32, ByteBuffer)
        case finishRequests(callID: UInt32)
        case cancelCall(callID: UInt32)
        /// Send `GOAWAY` if given, then close the connection.
        case close(Frame.GoAway?)
    }

    private struct Call {
        var requestsFinished = false
    }

    let configuration: Configuration
    private(set) var state: State = .awaitingPreface
    private(set) var highestCallID: UInt32 = 0
    private var calls: [UInt32: Call] = [:]
    /// The largest payload the client accepts (its MAX_FRAME_SIZE setting).
    private(set) var peerMaxFrameSize: UInt32 = FrameParser.defaultMaxFrameSize

    init(configuration: Configuration) {
        self.configuration = configuration
    }

    var openCallCount: Int { calls.count }

    mutating func receive(_ frame: Frame) -> Action {
        switch state {
        case .closed:
            return .none
        case .awaitingPreface:
            guard case .preface(let preface) = frame else {
                return violation("expected PREFACE as the first frame, got \(frame.type)")
            }
            guard preface.version == Frame.Preface.currentVersion else {
                state = .closed
                return .close(Frame.GoAway(lastCallID: 0, code: .unimplemented, message: "unsupported protocol version \(preface.version)"))
            }
            state = .active
            return .send([
                .preface(Frame.Preface()),
                .settings(
                    Frame.Settings(values: [
                        .init(id: Frame.Settings.Setting.maxFrameSizeID, value: configuration.maxFrameSize),
                        .init(id: Frame.Settings.Setting.maxConcurrentCallsID, value: UInt32(clamping: configuration.maxConcurrentCalls)),
                    ])),
            ])
        case .active, .draining:
            return receiveInSession(frame)
        }
    }

    private mutating func receiveInSession(_ frame: Frame) -> Action {
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
            return .send([.settings(.ack)])
        case .ping(let opaque):
            return .send([.pong(opaque)])
        case .pong, .goAway:
            return .none
        case .headers, .end:
            return violation("\(frame.type) frames are sent by servers only")
        case .open(let callID, let open):
            guard callID > highestCallID else {
                return violation("call id \(callID) is not above the previous \(highestCallID)")
            }
            highestCallID = callID
            if state == .draining { return .none }  // after GOAWAY: not processed, client retries
            guard calls.count < configuration.maxConcurrentCalls else {
                return .rejectCall(
                    callID: callID,
                    Frame.End(
                        code: .resourceExhausted,
                        message: "more than \(configuration.maxConcurrentCalls) concurrent calls on one connection"))
            }
            let metadataSize = Metadata.size(of: open.metadata)
            guard metadataSize <= configuration.maxMetadataSize else {
                return .rejectCall(
                    callID: callID,
                    Frame.End(
                        code: .resourceExhausted,
                        message: "request metadata of \(metadataSize) bytes exceeds the server's limit of \(configuration.maxMetadataSize) bytes"))
            }
            calls[callID] = Call()
            return .startCall(callID: callID, open)
        case .message(let callID, let message):
            guard let call = calls[callID] else { return unknownCall(callID, frame.type) }
            guard !call.requestsFinished else { return violation("MESSAGE after HALF_CLOSE on call \(callID)") }
            return .deliverMessage(callID: callID, message)
        case .halfClose(let callID):
            guard let call = calls[callID] else { return unknownCall(callID, frame.type) }
            guard !call.requestsFinished else { return violation("a second HALF_CLOSE on call \(callID)") }
            calls[callID]?.requestsFinished = true
            return .finishRequests(callID: callID)
        case .cancel(let callID):
            guard calls[callID] != nil else { return unknownCall(callID, frame.type) }
            return .cancelCall(callID: callID)
        }
    }

    /// A frame for a call that is not open: ignored if its id is not above the highest `OPEN` seen
    /// (the call ended and the frame crossed its END or CANCEL, or its OPEN was refused or came
    /// after GOAWAY, or the client skipped the id), a violation above it: no such call can exist.
    private mutating func unknownCall(_ callID: UInt32, _ type: FrameType) -> Action {
        callID <= highestCallID ? .none : violation("\(type) for call \(callID), which was never opened")
    }

    /// A call ended (its `END` was written, or it was cancelled).
    mutating func callEnded(_ callID: UInt32) -> Action {
        calls.removeValue(forKey: callID)
        if state == .draining && calls.isEmpty {
            state = .closed
            return .close(nil)
        }
        return .none
    }

    /// Begins a graceful shutdown: GOAWAY now, close when the open calls have ended.
    mutating func beginGracefulShutdown(message: String = "server shutting down") -> Action {
        switch state {
        case .awaitingPreface:
            state = .closed
            return .close(nil)
        case .active:
            let goAway = Frame.GoAway(lastCallID: highestCallID, code: .ok, message: message)
            if calls.isEmpty {
                state = .closed
                return .close(goAway)
            }
            state = .draining
            return .send([.goAway(goAway)])
        case .draining, .closed:
            return .none
        }
    }

    /// The bytes received are not a valid frame: the connection cannot continue.
    mutating func receiveError(_ error: FrameError) -> Action {
        guard state != .closed else { return .none }
        let code: StatusCode
        if case .frameTooLarge = error { code = .resourceExhausted } else { code = .internal }
        state = .closed
        return .close(Frame.GoAway(lastCallID: highestCallID, code: code, message: error.description))
    }

    /// A frame began but did not finish within the frame timeout: say so, as for a frame error, and
    /// close. RESOURCE_EXHAUSTED, like an oversize frame: both are limits on what a peer may make the
    /// server hold, not malformed input.
    mutating func frameTimedOut(_ reason: String) -> Action {
        guard state != .closed else { return .none }
        state = .closed
        return .close(Frame.GoAway(lastCallID: highestCallID, code: .resourceExhausted, message: reason))
    }

    /// The connection closed under us.
    mutating func closed() {
        state = .closed
        calls.removeAll()
    }

    private mutating func violation(_ message: String) -> Action {
        state = .closed
        return .close(Frame.GoAway(lastCallID: highestCallID, code: .internal, message: "protocol violation: \(message)"))
    }
}
