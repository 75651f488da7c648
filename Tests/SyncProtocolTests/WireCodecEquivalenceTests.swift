import TestSupport
import Foundation
import NIOCore
import SyncModel
import Testing
@testable import SyncProtocol

/// The hand-written wire codec against Foundation's coders (the messages' `Codable`
/// conformances, which the wire used before): the same lines out, the same messages in, the same
/// error code and id for every line that is RFC 8259 JSON. Lines that are not get `bad_json`
/// (Foundation let some through: trailing commas, bad escapes or numbers in unread members).
@Suite("Wire codec equals Foundation's")
struct WireCodecEquivalenceTests {
    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()

    /// The decoder the wire used before: Foundation behind the same classification.
    static func foundation(_ text: [UInt8]) -> Result<ClientMessage, WireError> {
        guard WireDecoder.isValidUTF8(Data(text)) else { return .failure(WireError(.badJSON, "utf8")) }
        do {
            return .success(try JSONDecoder().decode(ClientMessage.self, from: Data(text)))
        } catch let error as WireError {
            return .failure(error)
        } catch {
            return .failure(WireError(.badJSON, "\(error)"))
        }
    }

    static func fast(_ text: [UInt8]) -> Result<ClientMessage, WireError> {
        Result { () throws(WireError) -> ClientMessage in try WireDecoder.clientMessage(from: ByteBuffer(bytes: text)) }
    }

    static func wellFormed(_ text: [UInt8]) -> Bool {
        text.withUnsafeBufferPointer { JSONSyntax.problem(in: $0) == nil }
    }

    /// Compares verdicts; nil when they agree, else why not.
    static func disagreement(_ text: [UInt8]) -> String? {
        let expected = foundation(text), actual = fast(text)
        switch (expected, actual) {
        case (.success(let e), .success(let a)):
            return e == a ? nil : "decoded differently"
        case (.failure(let e), .failure(let a)):
            if a.code == .badJSON, !wellFormed(text) { return nil }
            guard e.code == a.code, e.id == a.id else { return "foundation \(e) id \(e.id.map(String.init) ?? "-"), fast \(a) id \(a.id.map(String.init) ?? "-")" }
            if e.code == .missingField, e.message != a.message { return "messages: \(e.message) / \(a.message)" }
            return nil
        case (.success, .failure(let a)):
            return a.code == .badJSON && !wellFormed(text) ? nil : "fast refused: \(a)"
        case (.failure(let e), .success):
            return "fast accepted what foundation refused: \(e)"
        }
    }

    // MARK: Writing

    @Test func clientLinesAreWhatJSONEncoderWrites() throws {
        var random = RandomOps(seed: 21)
        var messages: [ClientMessage] = [
            .hello(Hello(node: "n1", token: "t\"ok/\\\u{1}", schema: 1)), .pull(Pull(id: -3, since: 0, limit: nil)),
            .hello(Hello(node: "n2", token: "t", schema: 1, compression: ["deflate", "z\"std"])),
            .hello(Hello(node: "n3", token: "t", schema: 1, compression: [])),
            .pull(Pull(id: 2, since: 1 << 53, limit: 10)), .subscribe(Subscribe(id: 9, since: 4)), .ping(Ping(id: Int64.min)),
            .stateHash(StateHash(id: 11)),
        ]
        for id in 0..<300 { messages.append(.push(Push(id: Int64(id), ops: (0..<(id % 7)).map { _ in random.op() }))) }
        for message in messages {
            let expected = inPlanSyncEscaping(try Self.encoder.encode(message)) + [0x0A]
            #expect(Array(buffer: try WireEncoder.line(message)) == expected, "\(message.type)")
        }
    }

    @Test func pushLinesOfEncodedOpsAreThePushLines() throws {
        var random = RandomOps(seed: 23)
        for id in 0..<200 {
            let ops = (0..<(id % 9)).map { _ in random.op() }
            let encoded = try ops.map { op throws in try EncodedOp(op) }
            #expect(WireEncoder.pushLine(id: Int64(id) - 100, ops: encoded) == (try WireEncoder.line(.push(Push(id: Int64(id) - 100, ops: ops)))))
        }
        var session = ClientSession(node: "n", token: "t", schema: 1)
        _ = session.hello()
        let op = random.op()
        let line = session.push(encoded: [try EncodedOp(op)])
        #expect(try WireDecoder.clientMessage(from: line) == .push(Push(id: 1, ops: [op])))
        #expect(session.outstandingRequests == 1)
    }

    @Test func serverLinesAreWhatJSONEncoderWrites() throws {
        var random = RandomOps(seed: 22)
        var messages: [ServerMessage] = [
            .welcome(Welcome(server: "plansyncd", department: "销售 \"x\"", time: HLCTimestamp(raw: 0x0193_7a8b_1c2d_0001), head: 42)),
            .welcome(Welcome(server: "plansyncd", department: "sales", time: HLCTimestamp(raw: 0x0193_7a8b_1c2d_0001), head: 0,
                             compression: .deflate)),
            .ack(Ack(id: 7, accepted: 3, duplicates: 1, head: 45)), .pong(Pong(id: -1)),
            .hash(HashReply(id: 11, hash: String(repeating: "0a", count: 32), head: 1 << 53)),
            .error(ErrorReply(id: nil, code: .badJSON, message: "line\n\"x\"", fatal: true)),
            .error(ErrorReply(id: 12, code: .seqGap, message: "op 0 (a:5): expected seq 3", fatal: false)),
        ]
        for id in 0..<300 {
            let ops = (0..<(id % 5)).map { _ in random.op() }
            messages.append(.changes(Changes(id: Int64(id), ops: ops, next: UInt64(id * 3), more: id % 2 == 0)))
        }
        for message in messages {
            let expected = inPlanSyncEscaping(try Self.encoder.encode(message)) + [0x0A]
            #expect(Array(buffer: try WireEncoder.line(message)) == expected, "\(message.type)")
        }
    }

    @Test func serverLinesReadBackAsFoundationReadsThem() throws {
        var random = RandomOps(seed: 23)
        for id in 0..<300 {
            let message = ServerMessage.changes(Changes(id: Int64(id), ops: (0..<(id % 5)).map { _ in random.op() }, next: 9, more: false))
            var line = try WireEncoder.line(message)
            line.moveWriterIndex(to: line.writerIndex - 1)
            #expect(try WireDecoder.serverMessage(from: line) == (try JSONDecoder().decode(ServerMessage.self, from: Data(buffer: line))))
        }
    }

    // MARK: Reading

    /// Member texts that a client line might wrongly hold.
    static let oddValues = [
        "null", "true", "0", "1", "-1", "1.0", "1.5", "1e2", "1e300", "-0", "9007199254740992", "9007199254740993",
        "-9007199254740993", "18446744073709551616", "\"\"", "\"x\"", "\"push\"", "\"ping\"", "\"a b\"", "[]", "{}",
        "[{}]", "[42]", "[null]", "{\"a\":1}", "[[]]",
    ]

    static func members(_ message: ClientMessage) throws -> [(String, String)] {
        guard let object = try JSONSerialization.jsonObject(with: try encoder.encode(message)) as? [String: Any] else { return [] }
        return try object.keys.sorted().map { key in
            let data = try JSONSerialization.data(withJSONObject: object[key] as Any, options: [.fragmentsAllowed, .withoutEscapingSlashes, .sortedKeys])
            return (key, String(decoding: data, as: UTF8.self))
        }
    }

    @Test func damagedClientLinesGetFoundationsVerdict() throws {
        var random = RandomOps(seed: 0xC11E)
        var rng = SplitMix64(seed: 5)
        var disagreements = 0
        var seen: [String: Int] = [:]
        for round in 0..<4_000 {
            let message: ClientMessage = switch round % 6 {
            case 0: .hello(Hello(node: random.node(), token: random.text(), schema: 1))
            case 1: .pull(Pull(id: Int64(round), since: 3, limit: rng.chance(0.5) ? 10 : nil))
            case 2: .subscribe(Subscribe(id: Int64(round), since: 0))
            case 3: .ping(Ping(id: -Int64(round)))
            case 4: .stateHash(StateHash(id: Int64(round)))
            default: .push(Push(id: Int64(round), ops: (0..<3).map { _ in random.op() }))
            }
            var members = try Self.members(message)
            var text: [UInt8]
            switch Int.random(in: 0..<4, using: &rng) {
            case 0:
                members.remove(at: Int.random(in: 0..<members.count, using: &rng))
            case 1:
                members[Int.random(in: 0..<members.count, using: &rng)].1 = rng.pick(Self.oddValues)
            case 2:
                members.shuffle(using: &rng)
                members.insert((rng.pick(members).0, rng.pick(Self.oddValues)), at: Int.random(in: 0...members.count, using: &rng))
            default:
                break
            }
            text = Array(("{" + members.map { "\"\($0.0)\":\($0.1)" }.joined(separator: ",") + "}").utf8)
            if rng.chance(0.3) {
                // Damage the bytes as well: most such lines are no longer JSON.
                let alphabet = Array("{}[]:,\" 0-.e\\tnu".utf8) + [0xFF, 0x01]
                let i = Int.random(in: 0..<text.count, using: &rng)
                if rng.chance(0.5) { text[i] = rng.pick(alphabet) } else { text.insert(rng.pick(alphabet), at: i) }
            }
            switch Self.fast(text) {
            case .success: seen["ok", default: 0] += 1
            case .failure(let e): seen[e.code.rawValue, default: 0] += 1
            }
            if let why = Self.disagreement(text) {
                disagreements += 1
                Issue.record("\(String(decoding: text, as: UTF8.self))\n \(why)")
                if disagreements > 10 { return }
            }
        }
        // The damage reaches every verdict.
        for code in ["ok", "bad_json", "unknown_type", "missing_field", "bad_request", "invalid_op"] {
            #expect(seen[code, default: 0] > 20, "\(code): \(seen)")
        }
    }

    @Test(arguments: [
        // Foundation let these through; they are not RFC 8259 JSON, so now they are bad_json.
        #"{"type":"ping","id":1,}"#,
        #"{"type":"ping","id":1,"x":01}"#,
        #"{"type":"ping","id":1,"x":"\q"}"#,
        #"{"type":"ping","id":1,"x":"\ud800"}"#,
        #"{"type":"ping","id":1,"x":[1,2,]}"#,
    ])
    func lenientLinesAreNowBadJSON(_ line: String) {
        #expect(Fixture.code(line) == .badJSON)
        #expect((try? JSONDecoder().decode(ClientMessage.self, from: Data(line.utf8))) != nil)
    }
}

extension Array where Element == UInt8 {
    init(buffer: ByteBuffer) { self = Array(buffer.readableBytesView) }
}

extension Data {
    init(buffer: ByteBuffer) { self = Data(buffer.readableBytesView) }
}
