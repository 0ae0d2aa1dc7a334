import KeyplanWire
import NIOCore
import Testing

@testable import KeyplanRPC

@Suite("Client connection state machine")
struct ClientConnectionStateMachineTests {
    private func ready() -> ClientConnectionStateMachine {
        var machine = ClientConnectionStateMachine()
        _ = machine.receive(.preface(.init()))
        return machine
    }

    @Test("routes responses to open calls and forgets ended ones")
    func routing() {
        var machine = ready()
        machine.callOpened(1)
        #expect(machine.receive(.headers(callID: 1, [])) == .deliverHeaders(callID: 1, []))
        #expect(machine.receive(.message(callID: 1, ByteBuffer(bytes: [9]))) == .deliverMessage(callID: 1, ByteBuffer(bytes: [9])))
        #expect(machine.receive(.end(callID: 1, .init(code: .ok))) == .endCall(callID: 1, .init(code: .ok)))
        #expect(machine.receive(.message(callID: 1, ByteBuffer())) == .none)
        #expect(machine.openCallCount == 0)
    }

    @Test("GOAWAY fails the calls above the last call id and closes once the rest end")
    func goAway() {
        var machine = ready()
        machine.callOpened(1)
        machine.callOpened(2)
        machine.callOpened(3)
        let goAway = Frame.GoAway(lastCallID: 1, code: .ok, message: "bye")
        #expect(machine.receive(.goAway(goAway)) == .goAway(unprocessed: [2, 3], goAway))
        #expect(machine.closeIfDrained() == .none)
        _ = machine.receive(.end(callID: 1, .init(code: .ok)))
        guard case .close(nil, _) = machine.closeIfDrained() else {
            Issue.record("expected close")
            return
        }
    }

    @Test("server frames for calls never opened, and client frames from the server, are violations")
    func violations() {
        var machine = ready()
        guard case .close(let goAway?, _) = machine.receive(.message(callID: 5, ByteBuffer())) else {
            Issue.record("expected close")
            return
        }
        #expect(goAway.code == .internal)
        var other = ready()
        guard case .close = other.receive(.open(callID: 1, .init(method: "s/m"))) else {
            Issue.record("expected close")
            return
        }
    }

    @Test("acknowledges settings and records the server's frame limit")
    func settings() {
        var machine = ready()
        #expect(machine.receive(.settings(.init(values: [.init(id: 1, value: 20_000)]))) == .send([.settings(.ack)]))
        #expect(machine.peerMaxFrameSize == 20_000)
    }

    @Test("a server frame limit below the protocol's minimum is a violation")
    func frameLimitBelowMinimum() {
        var machine = ready()
        guard case .close(let goAway?, let error) = machine.receive(.settings(.init(values: [.init(id: 1, value: 4096)]))) else {
            Issue.record("expected a close with GOAWAY")
            return
        }
        #expect(goAway.code == .internal)
        #expect(goAway.message == "protocol violation: MAX_FRAME_SIZE of 4096 is below the minimum of 16384")
        #expect(error.code == .unavailable)
    }

    @Test("HEADERS after a message, or twice, is a violation")
    func headersOrder() {
        var machine = ready()
        machine.callOpened(1)
        _ = machine.receive(.message(callID: 1, ByteBuffer()))
        guard case .close = machine.receive(.headers(callID: 1, [])) else {
            Issue.record("expected close")
            return
        }
        var twice = ready()
        twice.callOpened(1)
        #expect(twice.receive(.headers(callID: 1, [])) == .deliverHeaders(callID: 1, []))
        guard case .close = twice.receive(.headers(callID: 1, [])) else {
            Issue.record("expected close")
            return
        }
    }
}

extension ClientConnectionStateMachineTests {
    @Test("a GOAWAY in place of the server's preface is a refusal that says why, not a violation")
    func refusedConnection() {
        var machine = ClientConnectionStateMachine()
        let action = machine.receive(.goAway(.init(lastCallID: 0, code: .resourceExhausted, message: "too many connections")))
        guard case .close(nil, let error) = action else {
            Issue.record("expected a close without GOAWAY, got \(action)")
            return
        }
        #expect(error.code == .unavailable)
        #expect(error.message.contains("too many connections"))
        #expect(machine.state == .closed)
    }

    @Test("records the server's MAX_CONCURRENT_CALLS")
    func maxConcurrentCalls() {
        var machine = ready()
        #expect(machine.peerMaxConcurrentCalls == .max)
        _ = machine.receive(.settings(.init(values: [.init(id: Frame.Settings.Setting.maxConcurrentCallsID, value: 5)])))
        #expect(machine.peerMaxConcurrentCalls == 5)
    }
}
