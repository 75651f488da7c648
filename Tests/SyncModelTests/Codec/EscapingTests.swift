import SyncModel
import Testing

/// One JSON escaper (``SyncModel/JSONOutput``) for the wire, the outbox and the canonical form,
/// in the spelling docs/merge-semantics.md §8 fixes: `\"`, `\\`, `\n`, `\r`, `\t`, lowercase
/// `\u00xx` for the other bytes below 0x20 (`\b` and `\f` included), nothing else escaped.
@Suite("JSON escaping")
struct EscapingTests {
    /// Every ASCII character, and some that must stay as their own bytes.
    static let text = String(String.UnicodeScalarView((0..<0x80).compactMap(Unicode.Scalar.init))) + "é\u{2028}\u{2126}😀"

    static let expected: String = {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20:
                let digits = Array("0123456789abcdef")
                out += "\\u00" + String(digits[Int(scalar.value >> 4)]) + String(digits[Int(scalar.value & 0xF)])
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }()

    @Test func theWriterAndTheCanonicalQuoteSpellAlike() {
        var out = JSONOutput()
        out.string(Self.text)
        #expect(String(decoding: out.bytes, as: UTF8.self) == Self.expected)
        #expect(JSONText.quote(Self.text) == Self.expected)
        #expect(JSONText.quote("plain 王五") == "\"plain 王五\"")
    }

    @Test func backspaceAndFormFeedAreUnicodeEscapesEverywhere() throws {
        var out = JSONOutput()
        out.string("a\u{8}b\u{C}c")
        #expect(String(decoding: out.bytes, as: UTF8.self) == #""a\u0008b\u000cc""#)
        let op = setOp("n", 1, .text("a\u{8}b\u{C}c"))
        let wire = String(decoding: try OpJSON.encode(op), as: UTF8.self)
        #expect(wire.contains(#""value":"a\u0008b\u000cc""#), "\(wire)")
        // Both spellings read back as the same text.
        #expect(try OpJSON.decode(wire) == op)
        #expect(try OpJSON.decode(wire.replacingOccurrences(of: #"\u0008"#, with: #"\b"#).replacingOccurrences(of: #"\u000c"#, with: #"\f"#)) == op)
    }

    /// The canonical form's bytes (and so every state hash) are those of the documented spelling.
    @Test func theCanonicalFormIsPinned() throws {
        let state = try replica([deleteOp("n", 1, false, context: [:]), setOp("n", 2, .text("a\u{8}\u{C}\"\u{1F}"))])
        #expect(state.canonicalForm() == """
            R "items" "r1" deleted=false
            F "title" register "a\\u0008\\u000c\\"\\u001f" [n:2]
            F "_deleted" register false [n:1]

            """)
    }
}
