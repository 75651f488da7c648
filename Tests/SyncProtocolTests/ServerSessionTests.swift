import NIOCore
import Planning
import SyncModel
import Testing
@testable import SyncProtocol

@Suite("Server session state machine")
struct ServerSessionTests {
    typealias Action = ServerSession.Action

    static let hello = #"{"type":"hello","protocol":1,"node":"sales-laptop","token":"secret","schema":1}"#

    private func session(maxOps: Int = 10) -> ServerSession {
        ServerSession(configuration: .init(serverNode: "srv", schemaVersion: 1, maxOpsPerPush: maxOps, defaultPullLimit: 50, maxPullLimit: 100))
    }

    private func ready() -> ServerSession {
        var s = session()
        _ = s.receivedLine(Fixture.buffer(Self.hello))
        _ = s.authenticated(department: "sales", head: 3, time: Fixture.hlc)
        return s
    }

    private func errorCode(_ actions: [Action]) -> (ErrorCode, fatal: Bool, id: Int64?)? {
        for case .send(.error(let reply)) in actions { return (reply.code, reply.fatal, reply.id) }
        return nil
    }

    @Test func helloThenTokenThenWelcome() {
        var s = session()
        #expect(s.receivedLine(Fixture.buffer(Self.hello)) == [.authenticate(token: "secret")])
        #expect(!s.wantsInput)
        let actions = s.authenticated(department: "sales", head: 3, time: Fixture.hlc)
        #expect(actions == [.send(.welcome(Welcome(server: "srv", department: "sales", time: Fixture.hlc, head: 3)))])
        #expect(s.peer?.department == "sales")
        #expect(s.wantsInput)
    }

    @Test(arguments: [
        #"{"type":"ping","id":1}"#,
        #"{"type":"push","id":2,"ops":[]}"#,
    ])
    func anyRequestBeforeHelloIsAuthRequiredAndFatal(line: String) {
        var s = session()
        let actions = s.receivedLine(Fixture.buffer(line))
        #expect(errorCode(actions)?.0 == .authRequired)
        #expect(errorCode(actions)?.fatal == true)
        #expect(actions.last == .close)
        #expect(s.isClosed)
        #expect(s.receivedLine(Fixture.buffer(Self.hello)).isEmpty)
    }

    @Test func garbageBeforeHelloIsFatalWithItsOwnCode() {
        var s = session()
        let actions = s.receivedLine(Fixture.buffer("GET / HTTP/1.1"))
        #expect(errorCode(actions)?.0 == .badJSON)
        #expect(actions.last == .close)
    }

    @Test func garbageAfterHelloKeepsTheConnection() {
        var s = ready()
        let actions = s.receivedLine(Fixture.buffer("{oops"))
        #expect(errorCode(actions)?.0 == .badJSON)
        #expect(errorCode(actions)?.fatal == false)
        #expect(!s.isClosed)
        #expect(s.receivedLine(Fixture.buffer(#"{"type":"ping","id":5}"#)) == [.send(.pong(Pong(id: 5)))])
    }

    @Test(arguments: [
        (#"{"type":"hello","protocol":2,"node":"n","token":"t","schema":1}"#, ErrorCode.protocolVersion),
        (#"{"type":"hello","protocol":1,"node":"n","token":"t","schema":7}"#, .protocolVersion),
        (#"{"type":"hello","protocol":1,"node":"n","token":"t","schema":0}"#, .protocolVersion),
    ])
    func versionMismatchIsFatal(line: String, code: ErrorCode) {
        var s = session()
        let actions = s.receivedLine(Fixture.buffer(line))
        #expect(errorCode(actions)?.0 == code)
        #expect(actions.last == .close)
    }

    @Test func unknownTokenIsAuthFailedAndFatal() {
        var s = session()
        _ = s.receivedLine(Fixture.buffer(Self.hello))
        let actions = s.authenticated(department: nil, head: 0, time: Fixture.hlc)
        #expect(errorCode(actions)?.0 == .authFailed)
        #expect(actions.last == .close)
        #expect(s.isClosed)
    }

    @Test func linesDuringARequestWaitAndRunInOrder() {
        var s = ready()
        let op = Fixture.op(seq: 1)
        let push = #"{"type":"push","id":1,"ops":[\#(Fixture.opJSON(op))]}"#
        #expect(s.receivedLine(Fixture.buffer(push)) == [.commit(id: 1, push: PendingPush(ops: [op], node: "sales-laptop", department: "sales"))])
        #expect(s.receivedLine(Fixture.buffer(#"{"type":"ping","id":2}"#)).isEmpty)
        #expect(s.receivedLine(Fixture.buffer(#"{"type":"pull","id":3,"since":0}"#)).isEmpty)
        #expect(!s.wantsInput)
        var stamped = op
        stamped.log = 4
        stamped.department = "sales"
        let actions = s.committed(LogCommit(appended: [stamped], duplicates: 0, head: 4))
        #expect(actions == [
            .send(.ack(Ack(id: 1, accepted: 1, duplicates: 0, head: 4))),
            .send(.pong(Pong(id: 2))),
            .pull(id: 3, since: 0, limit: 50),
        ])
        #expect(s.pulled(ops: [stamped], next: 4, more: false) == [.send(.changes(Changes(id: 3, ops: [stamped], next: 4, more: false)))])
        #expect(s.wantsInput)
    }

    @Test func aBadLineQueuedBehindAPushIsAnsweredInItsTurn() {
        var s = ServerSession(configuration: .init(serverNode: "srv", schemaVersion: 1, readAheadLines: 4))
        _ = s.receivedLine(Fixture.buffer(Self.hello))
        _ = s.authenticated(department: "sales", head: 0, time: Fixture.hlc)
        let op = Fixture.op(seq: 1)
        _ = s.receivedLine(Fixture.buffer(#"{"type":"push","id":1,"ops":[\#(Fixture.opJSON(op))]}"#))
        // Whenever the queued lines are decoded, each is answered only after the push, in order.
        #expect(s.receivedLine(Fixture.buffer(#"{"type":"ping","id":2"#)).isEmpty)
        #expect(s.receivedLine(Fixture.buffer("   ")).isEmpty)
        #expect(s.receivedLine(Fixture.buffer(#"{"type":"ping","id":3}"#)).isEmpty)
        var stamped = op
        stamped.log = 1
        stamped.department = "sales"
        let actions = s.committed(LogCommit(appended: [stamped], duplicates: 0, head: 1))
        #expect(actions.count == 3)
        #expect(actions.first == .send(.ack(Ack(id: 1, accepted: 1, duplicates: 0, head: 1))))
        #expect(errorCode(Array(actions.dropFirst()))?.0 == .badJSON && errorCode(Array(actions.dropFirst()))?.fatal == false)
        #expect(actions.last == .send(.pong(Pong(id: 3))))
        #expect(!s.isClosed && s.wantsInput)
    }

    @Test func oneLineIsReadAheadOfTheRequestInFlight() {
        var s = ready()
        let push = #"{"type":"push","id":1,"ops":[\#(Fixture.opJSON(Fixture.op(seq: 1)))]}"#
        _ = s.receivedLine(Fixture.buffer(push))
        #expect(s.wantsInput)   // the next request may be read while this one commits
        #expect(s.receivedLine(Fixture.buffer(#"{"type":"ping","id":2}"#)).isEmpty)
        #expect(!s.wantsInput)
    }

    @Test func readAheadStopsAtItsByteBudgetAndBeforeWelcome() {
        var s = ServerSession(configuration: .init(serverNode: "srv", schemaVersion: 1, readAheadLines: 3, readAheadBytes: 30))
        _ = s.receivedLine(Fixture.buffer(Self.hello))
        #expect(!s.wantsInput)   // authenticating: one line at a time
        _ = s.authenticated(department: "sales", head: 0, time: Fixture.hlc)
        _ = s.receivedLine(Fixture.buffer(#"{"type":"push","id":1,"ops":[]}"#))
        #expect(s.wantsInput)
        _ = s.receivedLine(Fixture.buffer(#"{"type":"ping","id":2}"#))   // 22 bytes waiting
        #expect(s.wantsInput)
        _ = s.receivedLine(Fixture.buffer(#"{"type":"ping","id":3}"#))   // 44: over the budget
        #expect(!s.wantsInput)
    }

    @Test func aClientCannotClaimADepartmentOrPosition() {
        var s = ready()
        var op = Fixture.op(seq: 1)
        op.department = "finance"
        op.log = 99
        let actions = s.receivedLine(Fixture.buffer(#"{"type":"push","id":1,"ops":[\#(Fixture.opJSON(op))]}"#))
        #expect(actions == [.commit(id: 1, push: PendingPush(ops: [Fixture.op(seq: 1)], node: "sales-laptop", department: "sales"))])
    }

    @Test func refusedPushKeepsTheConnection() {
        var s = ready()
        _ = s.receivedLine(Fixture.buffer(#"{"type":"push","id":4,"ops":[]}"#))
        let refusal: Admission.Refusal
        do {
            _ = try Admission.admit([Fixture.op(seq: 2)], pushedBy: "sales-laptop", schema: PlanningSchema.schema, log: MemoryOpLog(),
                                    wallMilliseconds: Fixture.hlc.milliseconds, maxSkewMilliseconds: 1_000)
            Issue.record("a gap was admitted")
            return
        } catch { refusal = error }
        let actions = s.refused(refusal)
        #expect(actions == [.send(.error(ErrorReply(id: 4, code: .seqGap, message: refusal.message, fatal: false)))])
        #expect(s.wantsInput)
    }

    @Test func tooManyOpsIsRefusedWithoutCommitting() {
        var s = ready()
        let ops = (1...11).map { Fixture.opJSON(Fixture.op(seq: UInt64($0))) }.joined(separator: ",")
        let actions = s.receivedLine(Fixture.buffer(#"{"type":"push","id":5,"ops":[\#(ops)]}"#))
        #expect(errorCode(actions)?.0 == .tooManyOps)
        #expect(errorCode(actions)?.fatal == false)
        #expect(errorCode(actions)?.id == 5)
        #expect(s.wantsInput)
    }

    @Test func pullLimitIsClampedAndDefaulted() {
        var s = ready()
        #expect(s.receivedLine(Fixture.buffer(#"{"type":"pull","id":1,"since":7,"limit":9000000}"#)) == [.pull(id: 1, since: 7, limit: 100)])
    }

    @Test func oneSubscriptionPerConnection() {
        var s = ready()
        #expect(s.receivedLine(Fixture.buffer(#"{"type":"subscribe","id":1,"since":0}"#)) == [.subscribe(id: 1, since: 0)])
        #expect(s.subscriptionID == 1)
        #expect(s.subscribed().isEmpty)
        let again = s.receivedLine(Fixture.buffer(#"{"type":"subscribe","id":2,"since":0}"#))
        #expect(errorCode(again)?.0 == .badRequest)
        #expect(s.subscriptionID == 1)
    }

    @Test func secondHelloIsRefusedButNotFatal() {
        var s = ready()
        let actions = s.receivedLine(Fixture.buffer(Self.hello))
        #expect(errorCode(actions)?.0 == .badRequest)
        #expect(!s.isClosed)
    }

    @Test func idleTimeoutSparesRequestsInFlight() {
        var idle = ready()
        #expect(idle.silent(for: .seconds(299)).isEmpty)
        #expect(errorCode(idle.silent(for: .seconds(300)))?.0 == .idleTimeout)
        #expect(idle.isClosed)

        var busy = ready()
        _ = busy.receivedLine(Fixture.buffer(#"{"type":"pull","id":1,"since":0}"#))
        #expect(busy.silent(for: .seconds(300)).isEmpty)
    }

    /// Issue 10, part 7: a frozen subscriber was exempt from every timeout and kept its slot.
    @Test func silentSubscriberIsClosedAfterTheSubscriberTimeout() {
        var subscribed = ready()
        _ = subscribed.receivedLine(Fixture.buffer(#"{"type":"subscribe","id":1,"since":0}"#))
        _ = subscribed.subscribed()
        #expect(subscribed.silent(for: .seconds(89)).isEmpty)
        let actions = subscribed.silent(for: .seconds(90))
        #expect(errorCode(actions)?.0 == .idleTimeout)
        #expect(errorCode(actions)?.fatal == true)
        #expect(actions.last == .close)
        #expect(subscribed.isClosed)
    }

    @Test func subscriberTimeoutCoversTheCatchUpAndRequestsInFlight() {
        // The catch-up waits on the client reading: a frozen client must not hold it open.
        var catchingUp = ready()
        _ = catchingUp.receivedLine(Fixture.buffer(#"{"type":"subscribe","id":1,"since":0}"#))
        #expect(errorCode(catchingUp.silent(for: .seconds(90)))?.0 == .idleTimeout)

        var pushing = ready()
        _ = pushing.receivedLine(Fixture.buffer(#"{"type":"subscribe","id":1,"since":0}"#))
        _ = pushing.subscribed()
        _ = pushing.receivedLine(Fixture.buffer(#"{"type":"push","id":2,"ops":[]}"#))
        #expect(errorCode(pushing.silent(for: .seconds(90)))?.0 == .idleTimeout)
    }

    @Test func timeoutsAreConfigurable() {
        var s = ServerSession(configuration: .init(serverNode: "srv", schemaVersion: 1, idleTimeout: .seconds(10), subscriberTimeout: .seconds(3)))
        #expect(s.shortestTimeout == .seconds(3))
        _ = s.receivedLine(Fixture.buffer(Self.hello))
        _ = s.authenticated(department: "sales", head: 0, time: Fixture.hlc)
        #expect(s.silent(for: .seconds(5)).isEmpty)
        _ = s.receivedLine(Fixture.buffer(#"{"type":"subscribe","id":1,"since":0}"#))
        _ = s.subscribed()
        #expect(errorCode(s.silent(for: .seconds(5)))?.0 == .idleTimeout)
    }

    @Test func quiesceFinishesTheCommitInFlightThenCloses() {
        var s = ready()
        _ = s.receivedLine(Fixture.buffer(#"{"type":"push","id":1,"ops":[]}"#))
        _ = s.receivedLine(Fixture.buffer(#"{"type":"ping","id":2}"#))
        #expect(s.quiesce().isEmpty)
        let actions = s.committed(LogCommit(appended: [], duplicates: 0, head: 3))
        #expect(actions.first == .send(.ack(Ack(id: 1, accepted: 0, duplicates: 0, head: 3))))
        #expect(errorCode(actions)?.0 == .shuttingDown)
        #expect(actions.last == .close)
    }

    @Test func quiesceWhenIdleClosesAtOnce() {
        var s = ready()
        let actions = s.quiesce()
        #expect(errorCode(actions)?.0 == .shuttingDown)
        #expect(actions.last == .close)
    }

    @Test func lineTooLongIsFatal() {
        var s = ready()
        let actions = s.lineTooLong(limit: 1024)
        #expect(errorCode(actions)?.0 == .lineTooLong)
        #expect(actions.last == .close)
    }

    @Test func storageFailureIsInternalAndNotFatalAfterWelcome() {
        var s = ready()
        _ = s.receivedLine(Fixture.buffer(#"{"type":"pull","id":9,"since":0}"#))
        let actions = s.failed("disk on fire")
        #expect(errorCode(actions)?.0 == .internal)
        #expect(errorCode(actions)?.fatal == false)
        #expect(errorCode(actions)?.id == 9)
    }

    @Test func blankLinesAreIgnored() {
        var s = session()
        #expect(s.receivedLine(Fixture.buffer("   ")).isEmpty)
        #expect(!s.isClosed)
    }

    @Test func resultsThatAnswerNothingAreIgnored() {
        var s = ready()
        #expect(s.committed(LogCommit(appended: [], duplicates: 0, head: 0)).isEmpty)
        #expect(s.pulled(ops: [], next: 0, more: false).isEmpty)
        #expect(s.authenticated(department: "x", head: 0, time: Fixture.hlc).isEmpty)
    }
}
