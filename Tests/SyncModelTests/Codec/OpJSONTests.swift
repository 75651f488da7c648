import TestSupport
import Foundation
import SyncModel
import Testing

/// ``OpJSON`` against Foundation's coders, which `Op: Codable` uses: the same bytes out, the same
/// ops in, the same verdicts (kind and path) on broken ones.
@Suite("Op JSON codec")
struct OpJSONTests {
    static let sortedEncoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()

    /// What came of decoding: an op, or the error's kind and path.
    enum Outcome: Equatable, CustomStringConvertible {
        case op(Op)
        case failed(JSONReadError.Kind, String)

        var description: String {
            switch self {
            case .op(let op): "op \(op.dot)"
            case .failed(let kind, let path): "\(kind) at \(path)"
            }
        }
    }

    static func foundation(_ text: String) -> Outcome {
        do {
            return .op(try JSONDecoder().decode(Op.self, from: Data(text.utf8)))
        } catch let error as DecodingError {
            func path(_ keys: [any CodingKey]) -> String {
                keys.map { key in key.intValue.map { "[\($0)]" } ?? ".\(key.stringValue)" }.joined()
            }
            switch error {
            case .keyNotFound(let key, let c): return .failed(.missing, path(c.codingPath + [key]))
            case .typeMismatch(_, let c): return .failed(.wrongType, path(c.codingPath))
            case .valueNotFound(_, let c): return .failed(.null, path(c.codingPath))
            case .dataCorrupted(let c): return .failed(c.codingPath.isEmpty && c.underlyingError != nil ? .syntax : .invalid, path(c.codingPath))
            @unknown default: return .failed(.invalid, "?")
            }
        } catch {
            return .failed(.invalid, "\(error)")
        }
    }

    static func fast(_ text: String) -> Outcome {
        do { return .op(try OpJSON.decode(text)) } catch { return .failed(error.kind, error.pathText) }
    }

    @Test func writesWhatJSONEncoderWrites() throws {
        var random = RandomOps(seed: 0x0951)
        for _ in 0..<3_000 {
            let op = random.op()
            let expected = String(decoding: inPlanSyncEscaping(try Self.sortedEncoder.encode(op)), as: UTF8.self)
            let actual = String(decoding: try OpJSON.encode(op), as: UTF8.self)
            #expect(actual == expected)
            if actual != expected { return }
        }
    }

    @Test func writesArraysAsJSONEncoderDoes() throws {
        var random = RandomOps(seed: 7)
        let ops = (0..<50).map { _ in random.op() }
        #expect(try OpJSON.encode(ops) == inPlanSyncEscaping(try Self.sortedEncoder.encode(ops)))
        #expect(try OpJSON.encode([Op]()) == Array("[]".utf8))
    }

    @Test func readsWhatFoundationReads() throws {
        var random = RandomOps(seed: 0xD0D0)
        for _ in 0..<3_000 {
            let op = random.op()
            // Sorted, and in declaration order with escaped slashes (the default encoder).
            for data in [try Self.sortedEncoder.encode(op), try JSONEncoder().encode(op)] {
                let text = String(decoding: data, as: UTF8.self)
                let expected = Self.foundation(text)
                #expect(Self.fast(text) == expected, "\(text)")
                if case .op(let decoded) = expected, case .real(let d) = op.value ?? .null, Int64(exactly: d) == nil {
                    #expect(decoded == op)   // every non-integral real survives the round trip
                }
            }
        }
    }

    @Test func theDotOfAnEncodedOpIsReadWithoutDecodingIt() throws {
        var random = RandomOps(seed: 77)
        for _ in 0..<500 {
            let op = random.op()
            let bytes = try OpJSON.encode(op)
            #expect(bytes.withUnsafeBufferPointer { OpJSON.dot(ofEncoded: $0) } == op.dot)
        }
        func dot(_ text: String) -> Dot? { Array(text.utf8).withUnsafeBufferPointer { OpJSON.dot(ofEncoded: $0) } }
        #expect(dot(#"{"seq":7.0,"x":{"node":"inner","seq":1},"node":"a"}"#) == Dot(node: "a", seq: 7))
        #expect(dot(#"{"node":"a","seq":3,"node":"b","seq":4}"#) == Dot(node: "a", seq: 3))   // the first wins, as in decode
        // Escaped keys are the same keys, for the dot as for decode: what the client drops by seq
        // must be what the daemon reads.
        let escaped = try OpJSON.encode(Op(collection: "projects", row: "r", field: "budget_spent", kind: .inc, node: "a",
                                           seq: 3, hlc: .zero, delta: 1))
        var text = String(decoding: escaped, as: UTF8.self)
        text.insert(contentsOf: #""s\u0065q":4,"\u006eode":"b","#, at: text.index(after: text.startIndex))
        let decoded = try OpJSON.decode(text)
        #expect(decoded.dot == Dot(node: "b", seq: 4))
        #expect(dot(text) == decoded.dot)
        #expect(dot(#"{"node":"a","seq":3},{"node":"a","seq":4}"#) == nil)
        #expect(dot(#"[{"node":"a","seq":3}]"#) == nil)
        #expect(dot(#"{"node":"a","seq":0}"#) == nil)
        #expect(dot(#"{"node":"a","seq":"3"}"#) == nil)
        #expect(dot(#"{"node":1,"seq":3}"#) == nil)
        #expect(dot(#"{"seq":3}"#) == nil)
        #expect(dot("") == nil)
    }

    @Test func nonFiniteRealsAreNotWritten() {
        var op = Op(collection: "c", row: "r", field: "f", kind: .set, node: "n", seq: 1, hlc: .zero, value: .real(.nan))
        #expect(throws: NonFiniteNumber.self) { try OpJSON.encode(op) }
        op.value = .real(-.infinity)
        #expect(throws: NonFiniteNumber.self) { try OpJSON.encode(op) }
    }

    // MARK: Broken ops

    /// Values that each member might wrongly hold.
    static let oddValues = [
        "null", "true", "false", "0", "1", "-1", "-0", "1.0", "1.5", "1e2", "100e-2", "1e400", "-1e-400", "0.1e1",
        "9007199254740992", "9007199254740993", "-9007199254740993", "9007199254740992.0", "9007199254740993.0",
        "18446744073709551616", "9223372036854775808", "\"\"", "\"x\"", "\"a:1\"", "\"a:0\"", "\"a b:1\"", "\"set\"", "\"remove\"",
        "\"0190000000000000\"", "\"0190000000000000 \"", "\"\\u0030190000000000000\"", "\"s\\u0065t\"", "[]", "[\"a:1\"]",
        "[\"a:1\",null]", "[1]", "[\"a:1\",\"b:2\"]", "{}", "{\"a\":1}", "{\"a\":null}", "{\"a b\":1}", "{\"a\":1.0}",
        "{\"a\":9007199254740993}", "{\"a\":-1}", "{\"a\":\"1\"}", "{\"a\":1,\"a\":2}", "\"\\ud83d\\ude00\"", "\"\\u0000\"",
    ]

    /// The members of an op as (key, JSON text) in declaration order, as `Op.encode` emits them.
    static func members(_ op: Op) throws -> [(String, String)] {
        guard let object = try JSONSerialization.jsonObject(with: try JSONEncoder().encode(op)) as? [String: Any] else { return [] }
        let order = ["collection", "row", "field", "kind", "node", "seq", "hlc", "value", "replaces", "delta",
                     "element", "removes", "context", "department", "log"]
        return try order.compactMap { key in
            guard let value = object[key] else { return nil }
            let data = try JSONSerialization.data(withJSONObject: value, options: [.fragmentsAllowed, .withoutEscapingSlashes, .sortedKeys])
            return (key, String(decoding: data, as: UTF8.self))
        }
    }

    static func text(_ members: [(String, String)]) -> String {
        "{" + members.map { "\"\($0.0)\":\($0.1)" }.joined(separator: ",") + "}"
    }

    @Test func brokenOpsGetFoundationsVerdict() throws {
        var random = RandomOps(seed: 0xBAD)
        var rng = SplitMix64(seed: 99)
        var disagreements = 0
        for round in 0..<6_000 {
            var members = try Self.members(random.op())
            switch round % 6 {
            case 0 where !members.isEmpty:
                members.remove(at: Int.random(in: 0..<members.count, using: &rng))
            case 1, 2:
                let i = Int.random(in: 0..<members.count, using: &rng)
                members[i].1 = rng.pick(Self.oddValues)
            case 3:
                // A repeated member: the first one counts.
                let i = Int.random(in: 0..<members.count, using: &rng)
                members.insert((members[i].0, rng.pick(Self.oddValues)), at: rng.chance(0.5) ? i : i + 1)
            case 4:
                members.shuffle(using: &rng)
                members.append(("unknown", rng.pick(Self.oddValues)))
            default:
                // An escaped key means the same key.
                let i = Int.random(in: 0..<members.count, using: &rng)
                members[i].0 = "\\u00" + String(members[i].0.utf8.first ?? 0x61, radix: 16) + members[i].0.dropFirst()
            }
            let text = Self.text(members)
            let expected = Self.foundation(text)
            let actual = Self.fast(text)
            // Foundation drops the path of a number that does not convert; the kind must still agree.
            if case .failed(.invalid, "") = expected, case .failed(.invalid, _) = actual { continue }
            // Foundation rounds or truncates a number beyond ±2^53 into range (9007199254740992.5 → 2^53);
            // the codec refuses it as written (DESIGN.md, "Text and numbers").
            if case .failed(.invalid, _) = actual, members.contains(where: { Self.holdsNumberBeyondLimit($0.1) }) { continue }
            if actual != expected {
                disagreements += 1
                Issue.record("\(text)\n foundation: \(expected)\n fast:       \(actual)")
                if disagreements > 10 { return }
            }
        }
    }

    /// Whether the JSON text holds a number literal (outside strings) whose exact value lies beyond ±2^53.
    static func holdsNumberBeyondLimit(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        var i = 0
        while i < bytes.count {
            switch bytes[i] {
            case UInt8(ascii: "\""):
                i += 1
                while i < bytes.count, bytes[i] != UInt8(ascii: "\"") { i += bytes[i] == UInt8(ascii: "\\") ? 2 : 1 }
                i += 1
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                let start = i
                while i < bytes.count, "-+.eE0123456789".utf8.contains(bytes[i]) { i += 1 }
                if bytes[start..<i].withUnsafeBufferPointer({ NumberText.isBeyondLimit($0) }) { return true }
            default:
                i += 1
            }
        }
        return false
    }

    @Test func beyondLimitScanner() {
        #expect(Self.holdsNumberBeyondLimit("9007199254740993") && Self.holdsNumberBeyondLimit(#"{"a":9007199254740992.5}"#))
        #expect(!Self.holdsNumberBeyondLimit(#""9007199254740993""#) && !Self.holdsNumberBeyondLimit("[1,2.5,-9007199254740992]"))
    }

    @Test(arguments: [
        (#"{"collection":"c","row":"r","field":"f","kind":"inc","node":"n","seq":1,"hlc":"0190000000000000","delta":1}"#, true),
        (#" {"collection":"c","row":"r","field":"f","kind":"inc","node":"n","seq":1,"hlc":"0190000000000000","delta":1} "#, true),
        (#"{"collection":"c","row":"r","field":"f","kind":"inc","node":"n","seq":1,"hlc":"0190000000000000","delta":1,}"#, false),
        (#"{"collection":"c","row":"r","field":"f","kind":"inc","node":"n","seq":1,"hlc":"0190000000000000","delta":01}"#, false),
        (#"{"collection":"c\ud800","row":"r","field":"f","kind":"inc","node":"n","seq":1,"hlc":"0190000000000000","delta":1}"#, false),
        (#"{"collection":"c","row":"r","field":"f","kind":"inc","node":"n","seq":1,"hlc":"0190000000000000","delta":1}x"#, false),
    ])
    func syntaxIsCheckedWhole(text: String, wellFormed: Bool) {
        if wellFormed {
            #expect((try? OpJSON.decode(text)) != nil)
        } else {
            do {
                _ = try OpJSON.decode(text)
                Issue.record("accepted \(text)")
            } catch {
                #expect(error.kind == .syntax)
            }
        }
    }
}

/// Numbers as Foundation's decoder reads them into Int64, UInt64 and Double.
@Suite("JSON numbers")
struct JSONNumberTests {
    struct Box<T: Decodable>: Decodable { var v: T }

    static func foundation<T: Decodable>(_ text: String, as: T.Type) -> T? {
        try? JSONDecoder().decode(Box<T>.self, from: Data("{\"v\":\(text)}".utf8)).v
    }

    static func fast<T>(_ text: String, _ read: (JSONReader, JSONReader.RawNumber) -> T?) throws -> T? {
        var bytes = Array(text.utf8)
        return try bytes.withUnsafeMutableBufferPointer { p in
            var reader = try JSONReader(validating: UnsafeBufferPointer(p))
            guard let n = reader.readNumber() else { return nil }
            return read(reader, n)
        }
    }

    static let texts = [
        "0", "-0", "1", "-1", "1.0", "-1.0", "1.5", "1e2", "1E2", "1e+2", "1e-2", "100e-2", "0.1e1", "1e400", "-1e400",
        "1e-400", "-1e-400", "2.4e-324", "2.5e-324", "4.9e-324", "1.7976931348623157e308", "1.7976931348623159e308",
        "9007199254740991", "9007199254740992", "9007199254740993", "-9007199254740993", "9007199254740992.0",
        "9007199254740993.0", "9007199254740992.5", "9.007199254740993e15", "9223372036854775807", "9223372036854775808",
        "-9223372036854775808", "-9223372036854775809", "18446744073709551615", "18446744073709551616", "1e19", "1e20",
        "12345678901234567890123", "1.0000000000000000000001", "0e0", "0E+1", "1E-0", "123456789.000000000",
        "0.000000000000000000000000000001", "1e-1", "5e-1", "10e-1", "-0.0", "9007199254740993.5", "-9007199254740993.5", "18014398509481985.5", "9007199254740992.49",
    ]

    @Test(arguments: texts)
    func integersAndDoublesAsFoundationReadsThem(_ text: String) throws {
        #expect(try Self.fast(text) { $0.int64($1) } == Self.foundation(text, as: Int64.self), "Int64 \(text)")
        #expect(try Self.fast(text) { $0.uint64($1) } == Self.foundation(text, as: UInt64.self), "UInt64 \(text)")
        let d = try Self.fast(text) { $0.double($1) }
        let expected = Self.foundation(text, as: Double.self)
        #expect(d == expected && d?.sign == expected?.sign, "Double \(text)")
    }

    @Test func repeatedContextNodesKeepTheFirst() {
        let text = #"{"collection":"c","row":"r","field":"_deleted","kind":"set","node":"n","seq":1,"hlc":"0190000000000000","value":true,"replaces":[],"context":{"a":1,"a":2}}"#
        #expect(OpJSONTests.fast(text) == OpJSONTests.foundation(text))
    }
}
