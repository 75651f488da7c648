import Foundation
import NIOCore
import SyncModel
import Testing
@testable import SyncProtocol

/// `state_hash` → `hash` in both session state machines and on the wire (protocol/PROTOCOL.md).
@Suite("state_hash request")
struct StateHashSessionTests {
    static let hello = #"{"type":"hello","protocol":1,"node":"sales-laptop","token":"secret","schema":1}"#
    static let hash = String(repeating: "3f", count: 32)

    private func ready() -> ServerSession {
        var s = ServerSession(configuration: .init(serverNode: "srv", schemaVersion: 1))
        _ = s.receivedLine(Fixture.buffer(Self.hello))
        _ = s.authenticated(department: "marketing", head: 3, time: Fixture.hlc)
        return s
    }

    private func error(_ actions: [ServerSession.Action]) -> ErrorReply? {
        for case .send(.error(let reply)) in actions { return reply }
        return nil
    }

    @Test func askedForTheConnectionsDepartmentAndAnsweredInOrder() {
        var s = ready()
        #expect(s.receivedLine(Fixture.buffer(#"{"type":"state_hash","id":4}"#)) == [.stateHash(id: 4, department: "marketing")])
        // A ping behind it waits for the hash.
        #expect(s.receivedLine(Fixture.buffer(#"{"type":"ping","id":5}"#)).isEmpty)
        #expect(s.hashed(Self.hash, head: 2) == [.send(.hash(HashReply(id: 4, hash: Self.hash, head: 2))), .send(.pong(Pong(id: 5)))])
        #expect(s.hashed(Self.hash, head: 2).isEmpty, "nothing in flight any more")
    }

    @Test func beforeHelloItIsAuthRequiredAndFatal() {
        var s = ServerSession(configuration: .init(serverNode: "srv", schemaVersion: 1))
        let actions = s.receivedLine(Fixture.buffer(#"{"type":"state_hash","id":1}"#))
        #expect(error(actions)?.code == .authRequired && error(actions)?.fatal == true)
        #expect(actions.last == .close)
    }

    @Test(arguments: [
        (#"{"type":"state_hash"}"#, ErrorCode.missingField, Int64?.none),
        (#"{"type":"state_hash","id":"7"}"#, .badRequest, nil),
        (#"{"type":"state_hash","id":1.5}"#, .badRequest, nil),
        (#"{"type":"state_hash","id":9007199254740993}"#, .badRequest, nil),
    ])
    func aBadRequestIsRefusedAndTheConnectionStays(line: String, code: ErrorCode, id: Int64?) {
        var s = ready()
        let actions = s.receivedLine(Fixture.buffer(line))
        #expect(error(actions)?.code == code && error(actions)?.fatal == false && error(actions)?.id == id, "\(actions)")
        #expect(!s.isClosed)
    }

    @Test func aStorageFailureIsInternalAndNotFatal() {
        var s = ready()
        _ = s.receivedLine(Fixture.buffer(#"{"type":"state_hash","id":8}"#))
        let actions = s.failed("disk")
        #expect(error(actions) == ErrorReply(id: 8, code: .internal, message: "disk", fatal: false))
        #expect(!s.isClosed && s.wantsInput)
    }

    @Test func theClientMatchesTheReplyToItsRequest() {
        var c = ClientSession(node: "sales-laptop", token: "t", schema: 1)
        _ = c.hello()
        _ = c.receive(.welcome(Welcome(server: "srv", department: "sales", time: Fixture.hlc, head: 0)))
        guard case .stateHash(let request) = c.stateHash() else { Issue.record("not a state_hash"); return }
        let reply = HashReply(id: request.id, hash: Self.hash, head: 7)
        #expect(c.receive(.hash(reply)) == .stateHash(reply))
        #expect(c.outstandingRequests == 0)
        // A second reply answers nothing.
        #expect(c.receive(.hash(reply)) == .violation("hash \(request.id) answers no state_hash"))
    }

    @Test func theClientRefusesAHashThatIsNotSHA256Hex() {
        var c = ClientSession(node: "sales-laptop", token: "t", schema: 1)
        _ = c.hello()
        _ = c.receive(.welcome(Welcome(server: "srv", department: "sales", time: Fixture.hlc, head: 0)))
        guard case .stateHash(let request) = c.stateHash() else { Issue.record("not a state_hash"); return }
        guard case .violation = c.receive(.hash(HashReply(id: request.id, hash: Self.hash.uppercased(), head: 7))) else {
            Issue.record("an uppercase hash was accepted")
            return
        }
    }

    @Test func anOlderDaemonsUnknownTypeIsARefusalOfTheRequest() {
        var c = ClientSession(node: "sales-laptop", token: "t", schema: 1)
        _ = c.hello()
        _ = c.receive(.welcome(Welcome(server: "srv", department: "sales", time: Fixture.hlc, head: 0)))
        guard case .stateHash(let request) = c.stateHash() else { Issue.record("not a state_hash"); return }
        let refusal = ErrorReply(id: request.id, code: .unknownType, message: "unknown type", fatal: false)
        #expect(c.receive(.error(refusal)) == .refused(refusal, request: .stateHash))
        #expect(c.phase == .ready)
    }

    @Test func theLinesAreAsDocumented() throws {
        #expect(String(buffer: try WireEncoder.line(.stateHash(StateHash(id: 11)))) == "{\"id\":11,\"type\":\"state_hash\"}\n")
        let line = try WireEncoder.line(.hash(HashReply(id: 11, hash: Self.hash, head: 45)))
        #expect(String(buffer: line) == "{\"hash\":\"\(Self.hash)\",\"head\":45,\"id\":11,\"type\":\"hash\"}\n")
        var body = line
        body.moveWriterIndex(to: body.writerIndex - 1)
        #expect(try WireDecoder.serverMessage(from: body) == .hash(HashReply(id: 11, hash: Self.hash, head: 45)))
        #expect(try WireDecoder.clientMessage(from: Fixture.buffer(#"{"type":"state_hash","id":11}"#)) == .stateHash(StateHash(id: 11)))
    }
}
