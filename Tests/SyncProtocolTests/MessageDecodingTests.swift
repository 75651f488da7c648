import Foundation
import NIOCore
import SyncModel
import Testing
@testable import SyncProtocol

@Suite("Decoding client lines")
struct MessageDecodingTests {
    @Test func decodesEveryClientMessage() throws {
        let op = Fixture.op(seq: 1)
        let lines: [(String, ClientMessage)] = [
            (#"{"type":"hello","protocol":1,"node":"sales-laptop","token":"t","schema":1}"#, .hello(Hello(node: "sales-laptop", token: "t", schema: 1))),
            (#"{"type":"push","id":7,"ops":[\#(Fixture.opJSON(op))]}"#, .push(Push(id: 7, ops: [op]))),
            (#"{"type":"pull","id":8,"since":3,"limit":10}"#, .pull(Pull(id: 8, since: 3, limit: 10))),
            (#"{"type":"pull","id":8,"since":3}"#, .pull(Pull(id: 8, since: 3, limit: nil))),
            (#"{"type":"subscribe","id":9,"since":0}"#, .subscribe(Subscribe(id: 9, since: 0))),
            (#"{"type":"ping","id":-4}"#, .ping(Ping(id: -4))),
        ]
        for (line, expected) in lines {
            #expect(try Fixture.decode(line).get() == expected, "\(line)")
        }
    }

    @Test(arguments: [
        ("not json", ErrorCode.badJSON),
        ("{\"type\":\"ping\",\"id\":1", .badJSON),
        ("[1,2,3]", .badJSON),
        ("\"hello\"", .badJSON),
        ("{}", .unknownType),
        ("{\"type\":42,\"id\":1}", .unknownType),
        ("{\"type\":\"delete_everything\",\"id\":1}", .unknownType),
        ("{\"type\":\"ping\"}", .missingField),
        ("{\"type\":\"pull\",\"id\":1}", .missingField),
        ("{\"type\":\"push\",\"id\":1}", .missingField),
        ("{\"type\":\"hello\",\"protocol\":1,\"node\":\"n\",\"schema\":1}", .missingField),
        ("{\"type\":\"ping\",\"id\":\"one\"}", .badRequest),
        ("{\"type\":\"ping\",\"id\":9007199254740993}", .badRequest),
        ("{\"type\":\"ping\",\"id\":1e300}", .badRequest),
        ("{\"type\":\"pull\",\"id\":1,\"since\":-1}", .badRequest),
        ("{\"type\":\"pull\",\"id\":1,\"since\":0,\"limit\":0}", .badRequest),
        ("{\"type\":\"push\",\"id\":1,\"ops\":{}}", .badRequest),
        ("{\"type\":\"hello\",\"protocol\":1,\"node\":\"a:b\",\"token\":\"t\",\"schema\":1}", .badRequest),
        ("{\"type\":\"push\",\"id\":1,\"ops\":[42]}", .invalidOp),
    ])
    func classifies(line: String, code: ErrorCode) {
        #expect(Fixture.code(line) == code, "\(line)")
    }

    @Test func anUnknownTypeEchoesAnIdThatReads() {
        func id(_ line: String) -> Int64? {
            do { _ = try WireDecoder.clientMessage(from: Data(line.utf8)); return nil } catch { return error.id }
        }
        #expect(id(#"{"type":"launch_rockets","id":2}"#) == 2)
        #expect(id(#"{"id":-7}"#) == -7)
        #expect(id(#"{"type":42,"id":3}"#) == 3)
        #expect(id(#"{"type":"launch_rockets"}"#) == nil)
        #expect(id(#"{"type":"launch_rockets","id":"2"}"#) == nil)
        #expect(id(#"{"type":"launch_rockets","id":9007199254740993}"#) == nil)
    }

    @Test func invalidUTF8IsBadJSON() {
        var bytes = Array(#"{"type":"ping","id":1,"x":""#.utf8)
        bytes += [0xC3, 0x28, 0x22, 0x7D]
        do {
            _ = try WireDecoder.clientMessage(from: Data(bytes))
            Issue.record("accepted invalid UTF-8")
        } catch {
            #expect(error.code == .badJSON)
        }
    }

    @Test func deepNestingIsBadJSONNotACrash() {
        let depth = 100_000
        let line = #"{"type":"ping","id":1,"x":"# + String(repeating: "[", count: depth) + String(repeating: "]", count: depth) + "}"
        #expect(Fixture.code(line) == .badJSON)
    }

    @Test func opFailuresNameTheOpAndEchoTheID() throws {
        var bad = Fixture.opJSON(Fixture.op(seq: 1))
        bad = bad.replacingOccurrences(of: "\"hlc\":\"0190000000000000\"", with: "\"hlc\":\"tomorrow\"")
        let line = #"{"type":"push","id":12,"ops":[\#(Fixture.opJSON(Fixture.op(seq: 1))),\#(bad)]}"#
        guard case .failure(let error) = Fixture.decode(line) else { Issue.record("accepted a bad hlc"); return }
        #expect(error.code == .invalidOp)
        #expect(error.id == 12)
        #expect(error.message.contains("[1]"))
    }

    @Test(arguments: [
        // A dot that is not "node:seq".
        (#""replaces":[]"#, #""replaces":["nocolon"]"#, ErrorCode.invalidOp),
        // A seq of 0.
        (#""seq":1"#, #""seq":0"#, .invalidOp),
        // A value that is an object, not a scalar.
        (#""value":"Launch""#, #""value":{"a":1}"#, .invalidOp),
        // No hlc at all.
        (#","hlc":"0190000000000000""#, "", .missingField),
        // An unknown kind.
        (#""kind":"set""#, #""kind":"multiply""#, .invalidOp),
    ])
    func malformedOps(original: String, replacement: String, code: ErrorCode) {
        let op = Fixture.opJSON(Fixture.op(seq: 1)).replacingOccurrences(of: original, with: replacement)
        #expect(op != Fixture.opJSON(Fixture.op(seq: 1)), "fixture text changed: \(original)")
        #expect(Fixture.code(#"{"type":"push","id":1,"ops":[\#(op)]}"#) == code, "\(op)")
    }

    @Test func counterDeltaBeyond2to53IsInvalidOp() {
        let op = #"{"collection":"projects","row":"p1","field":"budget_spent","kind":"inc","node":"n","seq":1,"hlc":"0190000000000000","delta":9007199254740993}"#
        #expect(Fixture.code(#"{"type":"push","id":1,"ops":[\#(op)]}"#) == .invalidOp)
    }

    @Test func blankLinesAreBlank() {
        #expect(WireDecoder.isBlank(ByteBuffer(string: " \t\r")))
        #expect(!WireDecoder.isBlank(ByteBuffer(string: " {}")))
    }
}

@Suite("Encoding server lines")
struct MessageEncodingTests {
    @Test func serverMessagesRoundTrip() throws {
        var op = Fixture.op(seq: 3)
        op.department = "sales"
        op.log = 9
        let messages: [ServerMessage] = [
            .welcome(Welcome(server: "plansyncd", department: "sales", time: Fixture.hlc, head: 9)),
            .ack(Ack(id: 7, accepted: 2, duplicates: 1, head: 9)),
            .changes(Changes(id: 8, ops: [op], next: 9, more: false)),
            .pong(Pong(id: 10)),
            .error(ErrorReply(id: nil, code: .badJSON, message: "x", fatal: false)),
            .error(ErrorReply(id: 4, code: .seqGap, message: "y", fatal: false)),
        ]
        for message in messages {
            let line = try WireEncoder.line(message)
            #expect(line.readableBytesView.last == UInt8(ascii: "\n"))
            #expect(line.readableBytesView.dropLast().allSatisfy { $0 != UInt8(ascii: "\n") })
            var body = line
            body.moveWriterIndex(to: line.writerIndex - 1)
            #expect(try WireDecoder.serverMessage(from: body) == message)
        }
    }

    @Test func errorWithoutIDOmitsIt() throws {
        let line = try WireEncoder.line(.error(ErrorReply(id: nil, code: .authRequired, message: "m", fatal: true)))
        #expect(String(buffer: line) == #"{"code":"auth_required","fatal":true,"message":"m","type":"error"}"# + "\n")
    }

    @Test func splicedChangesLineEqualsTheEncodedMessage() throws {
        var ops = (1...3).map { Fixture.op(seq: $0) }
        for i in ops.indices { ops[i].log = UInt64(i + 5); ops[i].department = "rnd" }
        let whole = try WireEncoder.line(.changes(Changes(id: 42, ops: ops, next: 7, more: true)))
        let spliced = WireEncoder.changesLine(id: 42, next: 7, more: true, encodedOps: try WireEncoder.encodedOps(ops))
        #expect(String(buffer: whole) == String(buffer: spliced))
    }

    @Test func clientMessagesRoundTripThroughTheServerDecoder() throws {
        let messages: [ClientMessage] = [
            .hello(Hello(node: "n1", token: "tok", schema: 1)),
            .push(Push(id: 1, ops: [Fixture.op(seq: 1)])),
            .pull(Pull(id: 2, since: 5, limit: nil)),
            .subscribe(Subscribe(id: 3, since: 0)),
            .ping(Ping(id: 4)),
        ]
        for message in messages {
            var line = try WireEncoder.line(message)
            line.moveWriterIndex(to: line.writerIndex - 1)
            #expect(try WireDecoder.clientMessage(from: line) == message)
        }
    }

    @Test func unknownErrorCodeDecodesAsInternalKeepingTheText() throws {
        let message = try WireDecoder.serverMessage(from: ByteBuffer(string: #"{"type":"error","code":"new_thing","message":"m","fatal":false}"#))
        #expect(message == .error(ErrorReply(id: nil, code: .internal, message: "new_thing: m", fatal: false)))
    }
}

@Suite("Paging")
struct PagingTests {
    static func size(_ op: Op) throws -> Int { try OpJSON.encode(op).count }

    @Test func pagesHoldWhatFitsExactly() throws {
        let texts = ["", "plain", "quote\" and \\ back", "\u{1}\u{2}\n\t control", "日本語のテキスト", String(repeating: "\u{7}", count: 500)]
        let ops = texts.enumerated().map { i, text in Fixture.op(seq: UInt64(i + 1), value: .text(text)) }
        let sizes = try ops.map(Self.size)
        for maxBytes in [1, 100, 300, 3_500, 5_000, 1 << 20] {
            for limit in [1, 2, 100] {
                let (json, count) = try Paging.encode(ops, limit: limit, maxBytes: maxBytes)
                #expect(String(buffer: json) == String(buffer: try WireEncoder.encodedOps(ops.prefix(count))))
                #expect(count >= 1 && count <= limit)
                if count > 1 { #expect(json.readableBytes <= maxBytes) }
                if count < min(limit, ops.count) { #expect(json.readableBytes + 1 + sizes[count] > maxBytes) }
            }
        }
    }

    @Test func pagesMoveForwardAndRespectTheBudget() throws {
        let big = Fixture.op(seq: 1, value: .text(String(repeating: "x", count: 10_000)))
        #expect(try Paging.encode([big, big, big], limit: 10, maxBytes: 100).count == 1)
        #expect(try Paging.encode([big, big, big], limit: 10, maxBytes: 25_000).count == 2)
        #expect(try Paging.encode([Op](), limit: 10, maxBytes: 100).count == 0)
        #expect(String(buffer: try Paging.encode([Op](), limit: 10, maxBytes: 100).json) == "[]")
    }

    @Test func theBudgetCountsBracketsAndCommas() {
        var budget = PageBudget(limit: 3, maxBytes: 10)
        let huge = budget.take(size: 20)
        let after = budget.take(size: 1)
        #expect(huge && !after)   // the first op always, then nothing more
        var room = PageBudget(limit: 3, maxBytes: 10)
        let first = room.take(size: 3)
        #expect(first && room.total == 5)
        let second = room.take(size: 4)
        #expect(second && room.total == 10)
        let empty = room.take(size: 0)
        #expect(!empty)   // its comma would pass 10
        var few = PageBudget(limit: 1, maxBytes: 100)
        let one = few.take(size: 1)
        let two = few.take(size: 1)
        #expect(one && !two)
    }
}
