import Testing

@testable import KeyplanPool

@Suite("PoolStateMachine")
struct PoolStateMachineTests {
    typealias Machine = PoolStateMachine<ManualInstant>
    let t0 = ManualInstant.zero
    var inFive: ManualInstant { t0.advanced(by: .seconds(5)) }

    func machine(connections: Int = 2, waiters: Int = 10) -> Machine {
        Machine(configuration: .init(maximumConnections: connections, maximumWaiters: waiters))
    }

    @Test func firstRequestOpensAConnectionAndIsLeasedWhenItIsReady() {
        var pool = machine()
        #expect(pool.leaseRequested(1, deadline: inFive, now: t0) == [.scheduleDeadline(1, inFive), .openConnection(0)])
        #expect(pool.connectionEstablished(0) == [.lease(0, to: 1)])
        #expect(pool.connectionCount == 1)
    }

    @Test func releasedConnectionIsReusedWithoutOpeningAnother() {
        var pool = machine()
        _ = pool.leaseRequested(1, deadline: inFive, now: t0)
        _ = pool.connectionEstablished(0)
        #expect(pool.connectionReleased(0, reusable: true) == [])
        #expect(pool.idleCount == 1)
        #expect(pool.leaseRequested(2, deadline: inFive, now: t0) == [.lease(0, to: 2)])
    }

    @Test func neverOpensMoreThanTheMaximum() {
        var pool = machine(connections: 2)
        var opened = 0
        for request in 1...5 {
            opened +=
                pool.leaseRequested(request, deadline: inFive, now: t0).filter {
                    if case .openConnection = $0 { true } else { false }
                }.count
        }
        #expect(opened == 2)
        #expect(pool.connectionCount == 2)
        #expect(pool.waiterCount == 5)
    }

    @Test func waitersAreServedInArrivalOrder() {
        var pool = machine(connections: 1)
        _ = pool.leaseRequested(1, deadline: inFive, now: t0)
        _ = pool.leaseRequested(2, deadline: inFive, now: t0)
        _ = pool.leaseRequested(3, deadline: inFive, now: t0)
        #expect(pool.connectionEstablished(0) == [.lease(0, to: 1)])
        #expect(pool.connectionReleased(0, reusable: true) == [.lease(0, to: 2)])
        #expect(pool.connectionReleased(0, reusable: true) == [.lease(0, to: 3)])
        #expect(pool.connectionReleased(0, reusable: true) == [])
    }

    @Test func waiterFailsWithTimeoutOnlyOnceItsDeadlinePassed() {
        var pool = machine(connections: 1)
        _ = pool.leaseRequested(1, deadline: inFive, now: t0)
        _ = pool.connectionEstablished(0)
        _ = pool.leaseRequested(2, deadline: inFive, now: t0)
        #expect(pool.deadlinePassed(2, now: t0.advanced(by: .seconds(4))) == [])
        #expect(pool.deadlinePassed(2, now: inFive) == [.fail(2, .leaseTimeout)])
        #expect(pool.waiterCount == 0)
        // A deadline reported for a request already served does nothing.
        #expect(pool.deadlinePassed(1, now: inFive) == [])
    }

    @Test func queueOfWaitersIsBounded() {
        var pool = machine(connections: 1, waiters: 2)
        _ = pool.leaseRequested(1, deadline: inFive, now: t0)
        _ = pool.leaseRequested(2, deadline: inFive, now: t0)
        #expect(pool.leaseRequested(3, deadline: inFive, now: t0) == [.fail(3, .tooManyWaiters)])
    }

    @Test func requestWithADeadlineAlreadyPassedFailsAtOnceWhenNothingIsIdle() {
        var pool = machine()
        #expect(pool.leaseRequested(1, deadline: t0, now: t0) == [.fail(1, .leaseTimeout)])
        #expect(pool.connectionCount == 0)
    }

    @Test func brokenConnectionIsClosedAndReplacedForWaiters() {
        var pool = machine(connections: 1)
        _ = pool.leaseRequested(1, deadline: inFive, now: t0)
        _ = pool.connectionEstablished(0)
        _ = pool.leaseRequested(2, deadline: inFive, now: t0)
        #expect(pool.connectionReleased(0, reusable: false) == [.closeConnection(0), .openConnection(1)])
        #expect(pool.connectionEstablished(1) == [.lease(1, to: 2)])
    }

    @Test func brokenConnectionWithoutWaitersIsOnlyClosed() {
        var pool = machine()
        _ = pool.leaseRequested(1, deadline: inFive, now: t0)
        _ = pool.connectionEstablished(0)
        #expect(pool.connectionReleased(0, reusable: false) == [.closeConnection(0)])
        #expect(pool.connectionCount == 0)
    }

    @Test func failedConnectFailsEveryWaiterWithItsError() {
        var pool = machine(connections: 1)
        _ = pool.leaseRequested(1, deadline: inFive, now: t0)
        _ = pool.leaseRequested(2, deadline: inFive, now: t0)
        let error = PoolError.connectionFailed("connection refused")
        #expect(pool.connectionFailed(0, error: error) == [.fail(1, error), .fail(2, error)])
        #expect(pool.connectionCount == 0)
        // The next request tries again.
        #expect(pool.leaseRequested(3, deadline: inFive, now: t0) == [.scheduleDeadline(3, inFive), .openConnection(1)])
    }

    @Test func cancelledWaiterLeavesTheQueue() {
        var pool = machine(connections: 1)
        _ = pool.leaseRequested(1, deadline: inFive, now: t0)
        _ = pool.leaseRequested(2, deadline: inFive, now: t0)
        #expect(pool.requestCancelled(1) == [.fail(1, .cancelled)])
        #expect(pool.requestCancelled(1) == [])
        #expect(pool.connectionEstablished(0) == [.lease(0, to: 2)])
    }

    @Test func shutdownFailsWaitersClosesIdleAndWaitsForLeased() {
        var pool = machine(connections: 2)
        _ = pool.leaseRequested(1, deadline: inFive, now: t0)
        _ = pool.leaseRequested(2, deadline: inFive, now: t0)
        _ = pool.connectionEstablished(0)
        _ = pool.connectionEstablished(1)
        _ = pool.connectionReleased(1, reusable: true)
        _ = pool.leaseRequested(3, deadline: inFive, now: t0)  // takes 1
        _ = pool.leaseRequested(4, deadline: inFive, now: t0)  // waits
        #expect(pool.shutdown() == [.fail(4, .shutDown)])
        #expect(pool.leaseRequested(5, deadline: inFive, now: t0) == [.fail(5, .shutDown)])
        #expect(pool.connectionReleased(0, reusable: true) == [.closeConnection(0)])
        #expect(pool.connectionReleased(1, reusable: true) == [.closeConnection(1), .shutdownCompleted])
    }

    @Test func shutdownOfAnIdlePoolClosesEverythingAtOnce() {
        var pool = machine()
        _ = pool.leaseRequested(1, deadline: inFive, now: t0)
        _ = pool.connectionEstablished(0)
        _ = pool.connectionReleased(0, reusable: true)
        #expect(pool.shutdown() == [.closeConnection(0), .shutdownCompleted])
        #expect(pool.shutdown() == [])
    }

    @Test func connectionThatOpensAfterShutdownIsClosed() {
        var pool = machine()
        _ = pool.leaseRequested(1, deadline: inFive, now: t0)
        #expect(pool.shutdown() == [.fail(1, .shutDown)])
        #expect(pool.connectionEstablished(0) == [.closeConnection(0), .shutdownCompleted])
    }
}
