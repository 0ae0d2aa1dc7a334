import KeyplanWire
import NIOCore
import Testing

@testable import KeyplanRPC

@Suite("Server connection state machine")
struct ServerConnectionStateMachineTests {
    private func ready(maxCalls: Int = 10) -> ServerConnectionStateMachine {
        var machine = ServerConnectionStateMachine(configuration: .init(maxFrameSize: 1024, maxConcurrentCalls: maxCalls))
        _ = machine.receive(.preface(.init()))
        return machine
    }

    private func isViolation(_ action: ServerConnectionStateMachine.Action) -> Bool {
        if case .close(let goAway?) = action { return goAway.message.hasPrefix("protocol violation") }
        return false
    }

    @Test("answers a preface with its own preface and settings")
    func preface() {
        var machine = ServerConnectionStateMachine(configuration: .init(maxFrameSize: 1024, maxConcurrentCalls: 7))
        #expect(
            machine.receive(.preface(.init()))
                == .send([
                    .preface(.init()),
                    .settings(.init(values: [.init(id: 1, value: 1024), .init(id: 2, value: 7)])),
                ]))
        #expect(machine.state == .active)
    }

    @Test("anything but a preface first is a violation")
    func prefaceFirst() {
        var machine = ServerConnectionStateMachine(configuration: .init(maxFrameSize: 1024, maxConcurrentCalls: 7))
        #expect(isViolation(machine.receive(.ping(1))))
        #expect(machine.state == .closed)
    }

    @Test("acknowledges settings, answers pings, records the client's frame limit")
    func settingsAndPing() {
        var machine = ready()
        #expect(machine.receive(.settings(.init(values: [.init(id: 1, value: 16_384)]))) == .send([.settings(.ack)]))
        #expect(machine.peerMaxFrameSize == 16_384)
        #expect(machine.receive(.ping(42)) == .send([.pong(42)]))
        #expect(machine.receive(.settings(.ack)) == .none)
    }

    @Test("a client frame limit below the protocol's minimum is a violation")
    func frameLimitBelowMinimum() {
        var machine = ready()
        #expect(
            machine.receive(.settings(.init(values: [.init(id: 1, value: 16_383)])))
                == .close(.init(lastCallID: 0, code: .internal, message: "protocol violation: MAX_FRAME_SIZE of 16383 is below the minimum of 16384"))
        )
        #expect(machine.state == .closed)
    }

    @Test("a call: open, message, half-close, end")
    func callLifecycle() {
        var machine = ready()
        let open = Frame.Open(method: "s/m")
        #expect(machine.receive(.open(callID: 1, open)) == .startCall(callID: 1, open))
        #expect(machine.receive(.message(callID: 1, ByteBuffer(bytes: [1]))) == .deliverMessage(callID: 1, ByteBuffer(bytes: [1])))
        #expect(machine.receive(.halfClose(callID: 1)) == .finishRequests(callID: 1))
        #expect(isViolation(machine.receive(.message(callID: 1, ByteBuffer()))))
    }

    @Test("frames for an ended call are ignored; for a never-opened call they are a violation")
    func endedAndUnknownCalls() {
        var machine = ready()
        _ = machine.receive(.open(callID: 3, .init(method: "s/m")))
        #expect(machine.callEnded(3) == .none)
        #expect(machine.receive(.cancel(callID: 3)) == .none)
        #expect(machine.receive(.message(callID: 2, ByteBuffer())) == .none)
        #expect(isViolation(machine.receive(.message(callID: 4, ByteBuffer()))))
    }

    @Test("call ids must increase")
    func increasingIDs() {
        var machine = ready()
        _ = machine.receive(.open(callID: 5, .init(method: "s/m")))
        #expect(isViolation(machine.receive(.open(callID: 5, .init(method: "s/m")))))
    }

    @Test("beyond the concurrency limit a call is rejected with RESOURCE_EXHAUSTED")
    func concurrencyLimit() {
        var machine = ready(maxCalls: 1)
        _ = machine.receive(.open(callID: 1, .init(method: "s/m")))
        guard case .rejectCall(2, let end) = machine.receive(.open(callID: 2, .init(method: "s/m"))) else {
            Issue.record("expected a rejection")
            return
        }
        #expect(end.code == .resourceExhausted)
        _ = machine.callEnded(1)
        #expect(machine.receive(.open(callID: 3, .init(method: "s/m"))) == .startCall(callID: 3, .init(method: "s/m")))
    }

    @Test("graceful shutdown: GOAWAY, no new calls, close when the last call ends")
    func gracefulShutdown() {
        var machine = ready()
        _ = machine.receive(.open(callID: 1, .init(method: "s/m")))
        #expect(machine.beginGracefulShutdown() == .send([.goAway(.init(lastCallID: 1, code: .ok, message: "server shutting down"))]))
        #expect(machine.receive(.open(callID: 2, .init(method: "s/m"))) == .none)
        #expect(machine.callEnded(1) == .close(nil))
        #expect(machine.state == .closed)
    }

    @Test("clients may not send server frames")
    func wrongDirection() {
        var machine = ready()
        #expect(isViolation(machine.receive(.end(callID: 1, .init(code: .ok)))))
    }

    @Test("a frame error closes with RESOURCE_EXHAUSTED for size, INTERNAL otherwise")
    func frameErrors() {
        var machine = ready()
        #expect(
            machine.receiveError(.frameTooLarge(length: 2000, limit: 1024))
                == .close(.init(lastCallID: 0, code: .resourceExhausted, message: FrameError.frameTooLarge(length: 2000, limit: 1024).description)))
        var other = ready()
        guard case .close(let goAway?) = other.receiveError(.unknownFrameType(0x7F)) else {
            Issue.record("expected close")
            return
        }
        #expect(goAway.code == .internal)
    }
}

extension ServerConnectionStateMachineTests {
    @Test("an OPEN whose metadata is over the limit is rejected with RESOURCE_EXHAUSTED; its later frames are ignored")
    func metadataLimit() {
        var machine = ServerConnectionStateMachine(configuration: .init(maxFrameSize: 1 << 20, maxConcurrentCalls: 10, maxMetadataSize: 100))
        _ = machine.receive(.preface(.init()))
        // 1 + 30 + 32 = 63 bytes: admitted.
        let small = Frame.Open(method: "s/m", metadata: [.init(name: "a", value: .text(String(repeating: "v", count: 30)))])
        #expect(machine.receive(.open(callID: 1, small)) == .startCall(callID: 1, small))
        // Two such fields: 126 bytes.
        let large = Frame.Open(method: "s/m", metadata: small.metadata + small.metadata)
        guard case .rejectCall(2, let end) = machine.receive(.open(callID: 2, large)) else {
            Issue.record("expected a rejection")
            return
        }
        #expect(end.code == .resourceExhausted)
        #expect(end.message.contains("126 bytes"))
        #expect(machine.receive(.message(callID: 2, ByteBuffer())) == .none)
        #expect(machine.receive(.halfClose(callID: 2)) == .none)
        #expect(machine.openCallCount == 1)
    }

    @Test("frames for a skipped call id below the highest OPEN are ignored, as the spec says")
    func skippedCallID() {
        var machine = ready()
        _ = machine.receive(.open(callID: 1, .init(method: "s/m")))
        _ = machine.receive(.open(callID: 5, .init(method: "s/m")))
        #expect(machine.receive(.message(callID: 3, ByteBuffer())) == .none)
        #expect(machine.receive(.cancel(callID: 4)) == .none)
        #expect(machine.state == .active)
    }
}
