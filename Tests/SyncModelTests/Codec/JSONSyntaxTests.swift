import TestSupport
import Foundation
import SyncModel
import Testing

/// ``JSONSyntax`` against RFC 8259 as written, by cases and by random damage checked with a
/// small, slow recursive reference parser.
@Suite("JSON syntax")
struct JSONSyntaxTests {
    static func wellFormed(_ bytes: [UInt8]) -> Bool {
        bytes.withUnsafeBufferPointer { JSONSyntax.problem(in: $0) == nil }
    }

    @Test(arguments: [
        "{}", "[]", "0", "-0", "1.5e-3", "\"\"", "true", "null", " \t\r\n{ \"a\" : [ 1 , 2 ] } \n",
        #"{"a":"\u00e9\ud83d\ude00\"\\\/\b\f\n\r\t"}"#, "[[[]]]", "{\"a\":{\"b\":{}}}", "\u{FEFF}{}", "\"é日本😀\"",
        "-1.0E+2", "0e0", "[1,{\"a\":null},\"x\",true,false]",
    ])
    func accepts(_ text: String) {
        #expect(Self.wellFormed(Array(text.utf8)), "\(text)")
    }

    @Test(arguments: [
        "", " ", "{", "}", "[", "[1,]", "{\"a\":1,}", "[,]", "{,}", "[1,,2]", "{\"a\" 1}", "{\"a\":}", "{a:1}", "01", "-",
        "1.", ".5", "+1", "1e", "1e+", "--1", "0x10", "NaN", "Infinity", "tru", "nul", "True", "'a'", "\"a", "\"\\x\"",
        "\"\\u12\"", "\"\\uZZZZ\"", #""\ud800""#, #""\udc00""#, #""\ud800\u0041""#, "\"a\u{1}b\"", "\"\t\"", "{} {}", "[] x",
        "{}\u{0}", "\u{FEFF}", "[1 2]", "{\"a\":1 \"b\":2}", "\u{B}{}",
    ])
    func refuses(_ text: String) {
        #expect(!Self.wellFormed(Array(text.utf8)), "\(text)")
    }

    @Test func refusesInvalidUTF8() {
        for bad: [UInt8] in [[0xFF], [0xC0, 0x80], [0xC3, 0x28], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0xE2, 0x82], [0x80], [0xF8, 0x88, 0x80, 0x80, 0x80]] {
            #expect(!Self.wellFormed(Array("[\"a".utf8) + bad + Array("\"]".utf8)), "\(bad)")
            #expect(!Self.wellFormed(Array("[1,".utf8) + bad + Array("]".utf8)), "\(bad)")
        }
        #expect(Self.wellFormed(Array("[\"".utf8) + [0xF4, 0x8F, 0xBF, 0xBF, 0xEF, 0xBF, 0xBD] + Array("\"]".utf8)))
    }

    @Test func nestingStopsAt512() {
        func nested(_ depth: Int) -> [UInt8] { Array(String(repeating: "[", count: depth).utf8) + Array(String(repeating: "]", count: depth).utf8) }
        #expect(Self.wellFormed(nested(JSONSyntax.maxDepth)))
        #expect(!Self.wellFormed(nested(JSONSyntax.maxDepth + 1)))
        #expect(!Self.wellFormed(nested(1_000_000)))
        let objects = String(repeating: "{\"a\":", count: 512) + "1" + String(repeating: "}", count: 512)
        #expect(Self.wellFormed(Array(objects.utf8)))
        #expect(!Self.wellFormed(Array(("[" + objects + "]").utf8)))
    }

    @Test func randomDamageIsJudgedAsTheReferenceJudgesIt() throws {
        var random = RandomOps(seed: 0x5EED)
        var rng = SplitMix64(seed: 4)
        let alphabet: [UInt8] = Array("{}[]:,\"\\ -+.eE0123456789tfnu\t\r\nabcdefABCDEF/".utf8) + [0x00, 0x1F, 0x7F, 0x80, 0xC3, 0xA9, 0xED, 0xA0, 0xF0, 0x9F, 0xFF]
        var wellFormedSeen = 0
        for _ in 0..<20_000 {
            var bytes = Array(try JSONEncoder().encode([random.op()]))
            for _ in 0..<Int.random(in: 1...3, using: &rng) {
                let i = Int.random(in: 0..<bytes.count, using: &rng)
                switch Int.random(in: 0..<3, using: &rng) {
                case 0: bytes[i] = rng.pick(alphabet)
                case 1: bytes.insert(rng.pick(alphabet), at: i)
                default: if bytes.count > 1 { bytes.remove(at: i) }
                }
            }
            let expected = ReferenceJSON.isWellFormed(bytes)
            if expected { wellFormedSeen += 1 }
            #expect(Self.wellFormed(bytes) == expected, "\(String(decoding: bytes, as: UTF8.self))")
            if Self.wellFormed(bytes) != expected { return }
        }
        #expect(wellFormedSeen > 1_000)
    }
}

/// RFC 8259 by its grammar, recursively and without shortcuts: the reference for the tests.
enum ReferenceJSON {
    static func isWellFormed(_ bytes: [UInt8]) -> Bool {
        guard String(bytes: bytes, encoding: .utf8) != nil else { return false }
        var p = Parser(b: bytes, i: 0)
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { p.i = 3 }
        guard p.value(depth: 0) else { return false }
        p.space()
        return p.i == bytes.count
    }

    struct Parser {
        let b: [UInt8]
        var i: Int

        var peek: UInt8? { i < b.count ? b[i] : nil }

        mutating func space() { while let c = peek, c == 0x20 || c == 0x09 || c == 0x0A || c == 0x0D { i += 1 } }

        mutating func eat(_ c: Character) -> Bool {
            guard peek == c.asciiValue else { return false }
            i += 1
            return true
        }

        mutating func value(depth: Int) -> Bool {
            space()
            guard let c = peek else { return false }
            switch c {
            case UInt8(ascii: "{"):
                guard depth < 512 else { return false }
                i += 1
                space()
                if eat("}") { return true }
                repeat {
                    space()
                    guard string() else { return false }
                    space()
                    guard eat(":"), value(depth: depth + 1) else { return false }
                    space()
                } while eat(",")
                return eat("}")
            case UInt8(ascii: "["):
                guard depth < 512 else { return false }
                i += 1
                space()
                if eat("]") { return true }
                repeat {
                    guard value(depth: depth + 1) else { return false }
                    space()
                } while eat(",")
                return eat("]")
            case UInt8(ascii: "\""): return string()
            case UInt8(ascii: "t"): return word("true")
            case UInt8(ascii: "f"): return word("false")
            case UInt8(ascii: "n"): return word("null")
            default: return number()
            }
        }

        mutating func word(_ w: String) -> Bool {
            guard b.count - i >= w.utf8.count, Array(b[i..<(i + w.utf8.count)]) == Array(w.utf8) else { return false }
            i += w.utf8.count
            return true
        }

        mutating func digits() -> Int {
            let start = i
            while let c = peek, c >= 0x30 && c <= 0x39 { i += 1 }
            return i - start
        }

        mutating func number() -> Bool {
            _ = eat("-")
            if eat("0") {} else if let c = peek, c >= 0x31 && c <= 0x39 { _ = digits() } else { return false }
            if eat(".") { guard digits() > 0 else { return false } }
            if eat("e") || eat("E") {
                if !eat("+") { _ = eat("-") }
                guard digits() > 0 else { return false }
            }
            return true
        }

        mutating func hex4() -> UInt32? {
            guard b.count - i >= 4, let v = UInt32(String(decoding: b[i..<(i + 4)], as: UTF8.self), radix: 16),
                  b[i..<(i + 4)].allSatisfy({ $0 != UInt8(ascii: "+") && $0 != UInt8(ascii: "-") }) else { return nil }
            i += 4
            return v
        }

        mutating func string() -> Bool {
            guard eat("\"") else { return false }
            while let c = peek {
                i += 1
                if c == UInt8(ascii: "\"") { return true }
                if c < 0x20 { return false }
                guard c == UInt8(ascii: "\\") else { continue }
                guard let e = peek else { return false }
                i += 1
                switch e {
                case UInt8(ascii: "u"):
                    guard let unit = hex4() else { return false }
                    if (0xDC00...0xDFFF).contains(unit) { return false }
                    if (0xD800...0xDBFF).contains(unit) {
                        guard eat("\\"), eat("u"), let low = hex4(), (0xDC00...0xDFFF).contains(low) else { return false }
                    }
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"), UInt8(ascii: "f"),
                     UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
                    continue
                default:
                    return false
                }
            }
            return false
        }
    }
}
