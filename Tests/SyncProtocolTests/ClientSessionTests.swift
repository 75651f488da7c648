import SyncModel
import Testing
@testable import SyncProtocol

@Suite("Client session state machine")
struct ClientSessionTests {
    private func stamped(_ seq: UInt64, at position: UInt64) -> Op {
        var op = Fixture.op(seq: seq)
        op.log = position
        op.department = "sales"
        return op
    }

    private func ready() -> ClientSession {
        var s = ClientSession(node: "sales-laptop", token: "t", schema: 1)
        _ = s.hello()
        _ = s.receive(.welcome(Welcome(server: "srv", department: "sales", time: Fixture.hlc, head: 0)))
        return s
    }

    @Test func helloWelcome() {
        var s = ClientSession(node: "sales-laptop", token: "t", schema: 1)
        #expect(s.hello() == .hello(Hello(node: "sales-laptop", token: "t", schema: 1)))
        #expect(s.phase == .awaitingWelcome)
        let welcome = Welcome(server: "srv", department: "sales", time: Fixture.hlc, head: 4)
        #expect(s.receive(.welcome(welcome)) == .welcomed(welcome))
        #expect(s.phase == .ready)
    }

    @Test func ackAcknowledgesThroughTheHighestPushedSeq() {
        var s = ready()
        guard case .push(let push) = s.push([Fixture.op(seq: 4), Fixture.op(seq: 5)]) else { Issue.record("not a push"); return }
        let ack = Ack(id: push.id, accepted: 2, duplicates: 0, head: 9)
        #expect(s.receive(.ack(ack)) == .acknowledged(ack, throughSeq: 5))
        #expect(s.outstandingRequests == 0)
    }

    @Test func pullFollowsUpWhileMore() {
        var s = ready()
        guard case .pull(let first) = s.pull(since: 0, limit: 1) else { Issue.record("not a pull"); return }
        let page = Changes(id: first.id, ops: [stamped(1, at: 1)], next: 1, more: true)
        guard case .changes(_, let followUp?) = s.receive(.changes(page)), case .pull(let second) = followUp else {
            Issue.record("no follow-up pull"); return
        }
        #expect(second.since == 1)
        #expect(second.limit == 1)
        let last = Changes(id: second.id, ops: [stamped(2, at: 2)], next: 2, more: false)
        #expect(s.receive(.changes(last)) == .changes(last, followUp: nil))
        #expect(s.outstandingRequests == 0)
    }

    @Test func subscriptionMustMoveForward() {
        var s = ready()
        guard case .subscribe(let sub) = s.subscribe(since: 3) else { Issue.record("not a subscribe"); return }
        let first = Changes(id: sub.id, ops: [stamped(1, at: 4)], next: 4, more: false)
        #expect(s.receive(.changes(first)) == .changes(first, followUp: nil))
        let repeated = Changes(id: sub.id, ops: [stamped(1, at: 4)], next: 4, more: false)
        guard case .violation = s.receive(.changes(repeated)) else { Issue.record("a repeated position was accepted"); return }
        #expect(s.phase == .closed)
    }

    @Test func fatalErrorEndsTheSession() {
        var s = ClientSession(node: "n", token: "bad", schema: 1)
        _ = s.hello()
        let reply = ErrorReply(id: nil, code: .authFailed, message: "no", fatal: true)
        #expect(s.receive(.error(reply)) == .refused(reply, request: nil))
        #expect(s.phase == .closed)
    }

    @Test func refusedPushNamesTheRequest() {
        var s = ready()
        guard case .push(let push) = s.push([Fixture.op(seq: 2)]) else { return }
        let reply = ErrorReply(id: push.id, code: .seqGap, message: "gap", fatal: false)
        #expect(s.receive(.error(reply)) == .refused(reply, request: .push(throughSeq: 2)))
        #expect(s.phase == .ready)
    }

    @Test func unexpectedRepliesAreViolations() {
        var s = ready()
        guard case .violation = s.receive(.ack(Ack(id: 77, accepted: 0, duplicates: 0, head: 0))) else {
            Issue.record("an ack for nothing was accepted"); return
        }
        var early = ClientSession(node: "n", token: "t", schema: 1)
        _ = early.hello()
        guard case .violation = early.receive(.pong(Pong(id: 1))) else { Issue.record("pong before welcome accepted"); return }
    }
}
