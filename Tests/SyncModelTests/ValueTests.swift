import TestSupport
import Foundation
import SyncModel
import Testing

@Suite("Values")
struct ValueTests {
    private func decode(_ json: String) throws -> Value {
        try JSONDecoder().decode([Value].self, from: Data("[\(json)]".utf8))[0]
    }

    @Test func jsonIntegersAndRealsStayApart() throws {
        #expect(try decode("5") == .integer(5))
        #expect(try decode("-42") == .integer(-42))
        #expect(try decode("5.5") == .real(5.5))
        #expect(try decode("0.1") == .real(0.1))
        #expect(try decode("null") == .null)
        #expect(try decode("true") == .bool(true))
        #expect(try decode(#""5""#) == .text("5"))
    }

    @Test func objectsAndArraysAreNotValues() {
        #expect(throws: DecodingError.self) { try decode("[1]") }
        #expect(throws: DecodingError.self) { try decode(#"{"a":1}"#) }
    }

    @Test func jsonTextIsCompact() {
        #expect(Value.null.jsonText == "null")
        #expect(Value.bool(false).jsonText == "false")
        #expect(Value.integer(-7).jsonText == "-7")
        #expect(Value.real(2.5).jsonText == "2.5")
        #expect(Value.real(.infinity).jsonText == "null")
        #expect(Value.text("x").jsonText == #""x""#)
    }

    @Test func integralRealsPrintAsTheIntegersJSONCarriesThemAs() throws {
        // JSONEncoder writes 5.0 as 5, and 5 decodes as an integer: a replica that wrote .real(5)
        // and one that received it must still print (and hash) the same.
        #expect(try decode(try encodeJSON(Value.real(5))) == .integer(5))
        for d in [5.0, -0.0, 0, 100, 1e15, -3, 9_007_199_254_740_992, 0.1, 2.5, -1e-7] {
            let received = try decode(try encodeJSON(Value.real(d)))
            #expect(Value.real(d).jsonText == received.jsonText, "\(d)")
        }
        #expect(Value.real(5).jsonText == "5" && Value.real(-0.0).jsonText == "0" && Value.real(1e15).jsonText == "1000000000000000")
    }

    @Test func textEscapes() {
        #expect(Value.text("a\"b\\c").jsonText == #""a\"b\\c""#)
        #expect(Value.text("l1\nl2\r\t").jsonText == #""l1\nl2\r\t""#)
        #expect(Value.text("\u{1}\u{1F}").jsonText == #""\u0001\u001f""#)
        #expect(Value.text("社交媒体 / é").jsonText == "\"社交媒体 / é\"")
    }

    @Test func escapedTextIsValidJSONForTheSameString() throws {
        let samples = ["", "plain", "q\"uote", "back\\slash", "\u{0}\u{7}\u{1F}\u{7F}", "emoji 🧭", "line\nbreak"]
        for s in samples {
            let parsed = try JSONDecoder().decode(String.self, from: Data(JSONText.quote(s).utf8))
            #expect(parsed == s)
        }
    }

    @Test func displayDropsQuotes() {
        #expect(Value.text("active").display == "active")
        #expect(Value.null.display == "")
        #expect(Value.integer(3).display == "3")
    }

    @Test func encodingRoundTrips() throws {
        for v in [Value.null, .bool(true), .integer(9_007_199_254_740_992), .real(0.25), .text("é\n")] {
            #expect(try decode(try encodeJSON(v)) == v)
        }
    }
}
