import Foundation
import SyncModel
import SyncProtocol
import PostgresTestSupport
import Testing
@testable import SyncServer

/// One kind of bad input: what to send (on a fresh connection, after hello unless `hello` is false),
/// and the code that must come back.
struct BadInput: Sendable, CustomStringConvertible {
    let description: String
    let code: ErrorCode
    let fatal: Bool
    var hello = true
    let send: @Sendable (LineClient, String) async throws -> Void

    init(_ description: String, _ code: ErrorCode, fatal: Bool = false, hello: Bool = true,
         _ send: @escaping @Sendable (LineClient, String) async throws -> Void) {
        self.description = description
        self.code = code
        self.fatal = fatal
        self.hello = hello
        self.send = send
    }

    static func line(_ text: String) -> @Sendable (LineClient, String) async throws -> Void {
        { client, _ in try await client.send(text) }
    }

    static func push(_ ops: @escaping @Sendable (String) -> [Op]) -> @Sendable (LineClient, String) async throws -> Void {
        { client, node in try await client.send(.push(Push(id: 1, ops: ops(node)))) }
    }

    /// Pushes `setup` first (expecting an ack), then the bad push.
    static func after(_ setup: @escaping @Sendable (String) -> [Op], _ bad: @escaping @Sendable (String) -> [Op]) -> @Sendable (LineClient, String) async throws -> Void {
        { client, node in
            let reply = try await client.push(id: 1, setup(node))
            guard case .ack = reply else { throw LineClient.Unexpected(reply) }
            try await client.send(.push(Push(id: 2, ops: bad(node))))
        }
    }

    static func op(_ node: String, seq: UInt64 = 1, field: String = "name", kind: OpKind = .set, value: Value? = .text("x"),
                   collection: String = "projects", delta: Int64? = nil, replaces: [Dot] = [], hlc: HLCTimestamp = Ops.now) -> Op {
        Op(collection: collection, row: "r1", field: field, kind: kind, node: node, seq: seq, hlc: hlc, value: value, replaces: replaces, delta: delta)
    }

    static let lineLimit = 64 * 1024

    static let all: [BadInput] = [
        BadInput("not JSON before hello", .badJSON, fatal: true, hello: false, line("hello?")),
        BadInput("push before hello", .authRequired, fatal: true, hello: false, line(#"{"type":"push","id":1,"ops":[]}"#)),
        BadInput("wrong token", .authFailed, fatal: true, hello: false, line(#"{"type":"hello","protocol":1,"node":"x","token":"guess","schema":1}"#)),
        BadInput("wrong protocol version", .protocolVersion, fatal: true, hello: false, line(#"{"type":"hello","protocol":9,"node":"x","token":"token-sales","schema":1}"#)),
        BadInput("newer schema", .protocolVersion, fatal: true, hello: false, line(#"{"type":"hello","protocol":1,"node":"x","token":"token-sales","schema":99}"#)),
        BadInput("invalid node id", .badRequest, fatal: true, hello: false, line(#"{"type":"hello","protocol":1,"node":"a b","token":"token-sales","schema":1}"#)),
        BadInput("line over the limit", .lineTooLong, fatal: true, line(String(repeating: "x", count: lineLimit + 10))),
        BadInput("endless line without newline", .lineTooLong, fatal: true) { client, _ in
            try await client.sendRaw(Array(repeating: UInt8(ascii: "["), count: lineLimit * 3))
        },
        BadInput("not JSON", .badJSON, line("{{{")),
        BadInput("invalid UTF-8", .badJSON) { client, _ in
            try await client.sendRaw(Array(#"{"type":"ping","id":1,"s":""#.utf8) + [0xFF, 0xFE, 0x22, 0x7D, 0x0A])
        },
        BadInput("deep nesting", .badJSON, line(#"{"type":"ping","id":1,"x":"# + String(repeating: "[", count: 20_000) + String(repeating: "]", count: 20_000) + "}")),
        BadInput("unknown type", .unknownType, line(#"{"type":"drop_table","id":1}"#)),
        BadInput("missing field", .missingField, line(#"{"type":"pull","id":1}"#)),
        BadInput("wrong member type", .badRequest, line(#"{"type":"pull","id":"1","since":0}"#)),
        BadInput("number beyond 2^53", .badRequest, line(#"{"type":"pull","id":1,"since":18014398509481984}"#)),
        BadInput("seq gap", .seqGap, push { [op($0, seq: 2)] }),
        BadInput("unknown collection", .invalidOp, push { [op($0, collection: "spaceships")] }),
        BadInput("unknown field", .invalidOp, push { [op($0, field: "colour")] }),
        BadInput("wrong value type", .invalidOp, push { [op($0, field: "budget_planned", value: .text("a lot"))] }),
        BadInput("bad enum", .invalidOp, push { [op($0, field: "status", value: .text("exploded"))] }),
        BadInput("inc on a text field", .invalidOp, push { [op($0, kind: .inc, value: nil, delta: 1)] }),
        BadInput("unknown dot", .invalidOp, push { [op($0, replaces: [Dot(node: "nobody", seq: 4)])] }),
        BadInput("op of another node", .invalidOp, push { _ in [op("someone-else")] }),
        BadInput("far-future HLC", .clockSkew, push { node in
            [op(node, hlc: (try? HLCTimestamp(milliseconds: Ops.now.milliseconds + 3_600_000, counter: 0)) ?? .zero)]
        }),
        BadInput("counter delta beyond 2^53", .invalidOp, line(#"{"type":"push","id":1,"ops":[{"collection":"projects","row":"r","field":"budget_spent","kind":"inc","node":"n","seq":1,"hlc":"0190000000000000","delta":9007199254740993}]}"#)),
        BadInput("real value beyond 2^53 as written", .invalidOp, line(#"{"type":"push","id":1,"ops":[{"collection":"resources","row":"r","field":"capacity","kind":"set","node":"n","seq":1,"hlc":"0190000000000000","value":9007199254740992.5,"replaces":[]}]}"#)),
        BadInput("integer value beyond 2^53", .invalidOp, line(#"{"type":"push","id":1,"ops":[{"collection":"projects","row":"r","field":"budget_planned","kind":"set","node":"n","seq":1,"hlc":"0190000000000000","value":9007199254740993,"replaces":[]}]}"#)),
        BadInput("NUL in a text value", .invalidOp, push { [op($0, value: .text("a\u{0}b"))] }),
        BadInput("too many ops", .tooManyOps, push { node in (1...101).map { op(node, seq: UInt64($0)) } }),
        BadInput("duplicate dot, other content", .duplicateDot, after({ [op($0)] }, { [op($0, value: .text("other"))] })),
        BadInput("batch with one bad op", .invalidOp, push { [op($0), op($0, seq: 2, field: "colour")] }),
        BadInput("second hello", .badRequest, line(#"{"type":"hello","protocol":1,"node":"x","token":"token-sales","schema":1}"#)),
        BadInput("second subscribe", .badRequest) { client, _ in
            client.subscriptionID = 1
            try await client.send(#"{"type":"subscribe","id":1,"since":0}"#)
            try await client.send(#"{"type":"subscribe","id":2,"since":0}"#)
        },
    ]
}

@Suite("Bad input against the real daemon", .serialized)
struct BadInputTests {
    @Test func everyBadInputGetsItsCodeWhileAGoodClientGoesOn() async throws {
        try await battery(backend: .memory)
    }

    @Test(.enabled(if: PostgresTestServer.enabled, Comment(rawValue: PostgresTestServer.skipReason)))
    func everyBadInputGetsItsCodeOnPostgres() async throws {
        try await battery(backend: .postgres)
    }

    func battery(backend: TestBackend) async throws {
        let daemon = try await TestDaemon.start(backend: backend) { config in
            config.maxLineBytes = BadInput.lineLimit
            config.maxOpsPerPush = 100
        }
        // The good client pushes and pings all through the battery.
        let good = try await daemon.session(node: "good-client")
        let stop = Flag()
        let goodWork = Task { () throws -> Int in
            var seq: UInt64 = 1
            var acked = 0
            while !stop.isSet || acked < 10 {
                let reply = try await good.push(id: Int64(seq), [Ops.name(node: "good-client", seq: seq, row: "g", name: "v\(seq)", replaces: seq > 1 ? [Dot(node: "good-client", seq: seq - 1)] : [])])
                guard case .ack(let ack) = reply, ack.accepted == 1 else { throw LineClient.Unexpected(reply) }
                acked += 1
                seq += 1
                guard try await good.ping(id: -Int64(seq)) else { throw LineClient.Timeout(waitingFor: "pong") }
                try await Task.sleep(for: .milliseconds(1))
            }
            return acked
        }

        for (index, bad) in BadInput.all.enumerated() {
            let client = try await daemon.client()
            let node = "bad-\(index)"
            if bad.hello { try await client.hello(token: TestDaemon.salesToken, node: node) }
            try await bad.send(client, node)
            let reply = try await client.reply()
            guard case .error(let error) = reply else {
                Issue.record("\(bad): expected \(bad.code.rawValue), got \(reply)")
                continue
            }
            #expect(error.code == bad.code, "\(bad): \(error.message)")
            #expect(error.fatal == bad.fatal, "\(bad)")
            if bad.fatal {
                #expect(try await client.closedAfterDraining(), "\(bad) did not close")
            } else {
                #expect(try await client.ping(id: 77), "\(bad) left the connection unusable")
            }
            await client.close()
        }
        #expect(BadInput.all.count >= 20)

        // Half a line, then hang up: nothing to answer, the daemon goes on.
        let half = try await daemon.session(node: "half")
        try await half.sendRaw(Array(#"{"type":"push","id":1,"ops":[{"collec"#.utf8))
        await half.close()

        // Nothing a bad client sent reached the log.
        stop.set()
        let acked = try await goodWork.value
        let checker = try await daemon.session(node: "checker")
        let ops = try await checker.pullAll(limit: 97)
        #expect(ops.count == acked + 1)   // the good ops + the setup op of the duplicate-dot case
        #expect(Set(ops.map(\.node)) == ["good-client", "bad-\(BadInput.all.firstIndex { $0.code == .duplicateDot } ?? -1)"])
        #expect(ops.map(\.log) == (1...(acked + 1)).map { UInt64($0) })
        await good.close()
        await checker.close()
        await daemon.stop()
    }
}
