import NIOCore
import Testing

@testable import KeyplanRPC

@Suite("Connection liveness timers")
struct ConnectionLivenessTests {
    private let configuration = ConnectionLiveness.Configuration(
        handshakeTimeout: .seconds(10), idleTimeout: .seconds(300), keepaliveInterval: .seconds(30),
        keepaliveTimeout: .seconds(10), frameTimeout: .seconds(20))
    private let start = NIODeadline.uptimeNanoseconds(1_000_000_000)

    @Test("no preface within the handshake timeout closes")
    func handshake() {
        var liveness = ConnectionLiveness(configuration: configuration, now: start)
        #expect(liveness.tick(now: start + .seconds(9), openCalls: 0) == .healthy)
        guard case .close(_, clock: .handshake) = liveness.tick(now: start + .seconds(10), openCalls: 0) else {
            Issue.record("expected close")
            return
        }
    }

    @Test("silence brings a ping; an unanswered ping closes; an answer resets")
    func keepalive() {
        var liveness = ConnectionLiveness(configuration: configuration, now: start)
        liveness.handshakeCompleted()
        #expect(liveness.tick(now: start + .seconds(29), openCalls: 1) == .healthy)
        #expect(liveness.tick(now: start + .seconds(30), openCalls: 1) == .sendPing(1))
        #expect(liveness.tick(now: start + .seconds(35), openCalls: 1) == .healthy)
        liveness.framesReceived(now: start + .seconds(35), pendingBytes: 0, activity: false)
        #expect(liveness.tick(now: start + .seconds(64), openCalls: 1) == .healthy)
        #expect(liveness.tick(now: start + .seconds(65), openCalls: 1) == .sendPing(2))
        guard case .close(_, clock: .keepalive) = liveness.tick(now: start + .seconds(75), openCalls: 1) else {
            Issue.record("expected close")
            return
        }
    }

    @Test("a frame that trickles in longer than the frame timeout closes")
    func trickle() {
        var liveness = ConnectionLiveness(configuration: configuration, now: start)
        liveness.handshakeCompleted()
        liveness.bytesReceivedWithoutFrame(now: start + .seconds(1))
        liveness.bytesReceivedWithoutFrame(now: start + .seconds(15))
        guard case .close(_, clock: .frame) = liveness.tick(now: start + .seconds(21), openCalls: 1) else {
            Issue.record("expected close")
            return
        }
    }

    @Test("no calls and no traffic for the idle timeout closes politely; keepalive traffic does not count")
    func idle() {
        var configuration = self.configuration
        configuration.keepaliveInterval = .seconds(1000)
        var liveness = ConnectionLiveness(configuration: configuration, now: start)
        liveness.handshakeCompleted()
        liveness.framesReceived(now: start + .seconds(200), pendingBytes: 0, activity: false)
        #expect(liveness.tick(now: start + .seconds(299), openCalls: 0) == .healthy)
        #expect(liveness.tick(now: start + .seconds(300), openCalls: 1) == .healthy)
        guard case .close(_, clock: .idle) = liveness.tick(now: start + .seconds(300), openCalls: 0) else {
            Issue.record("expected idle close")
            return
        }
    }
}

extension ConnectionLivenessTests {
    @Test("while our own buffers hold reads the peer is not judged; its clocks restart when reading resumes")
    func heldReadsPauseTheClocks() {
        var liveness = ConnectionLiveness(configuration: configuration, now: start)
        liveness.handshakeCompleted()
        liveness.bytesReceivedWithoutFrame(now: start + .seconds(1))
        liveness.readsHeld(now: start + .seconds(2))
        // Far past the keepalive, frame and idle timeouts: nothing, since the silence is ours.
        #expect(liveness.tick(now: start + .seconds(30), openCalls: 1) == .healthy)
        #expect(liveness.tick(now: start + .seconds(1000), openCalls: 0) == .healthy)
        liveness.readsResumed(now: start + .seconds(1000))
        #expect(liveness.tick(now: start + .seconds(1019), openCalls: 1) == .healthy)
        guard case .close(_, clock: .frame) = liveness.tick(now: start + .seconds(1020), openCalls: 1) else {
            Issue.record("expected the frame timeout to run again from the resumption")
            return
        }
    }

    @Test("a ping sent before reads were held is not held against the peer")
    func pingBeforeHold() {
        var liveness = ConnectionLiveness(configuration: configuration, now: start)
        liveness.handshakeCompleted()
        #expect(liveness.tick(now: start + .seconds(30), openCalls: 1) == .sendPing(1))
        liveness.readsHeld(now: start + .seconds(31))
        #expect(liveness.tick(now: start + .seconds(100), openCalls: 1) == .healthy)
        liveness.readsResumed(now: start + .seconds(100))
        #expect(liveness.tick(now: start + .seconds(129), openCalls: 1) == .healthy)
        #expect(liveness.tick(now: start + .seconds(130), openCalls: 1) == .sendPing(2))
    }
}
