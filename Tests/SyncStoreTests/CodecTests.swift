import Foundation
@testable import SyncStore
import SyncModel
import Testing

@Suite struct CodecTests {
    static let values: [Value] = [
        .null, .bool(true), .bool(false), .integer(0), .integer(-(1 << 53)), .integer(Int64.max), .real(0.1), .real(-2.5e-7),
        .real(3.0), .real(1e300), .text(""), .text("plain"), .text("quote \" backslash \\ slash /"), .text("tab\tnew\nline\r"),
        .text("\u{01}\u{1F}control"), .text("春季推广 🚀"), .text("12"), .text("true"),
    ]

    /// Reading back gives the same canonical text. An integral real comes back as an integer,
    /// as JSON `3` decodes on every replica: `Value.jsonText` prints `.real(3)` as `3`.
    @Test(arguments: CodecTests.values)
    func valueJSONReadsBackWhatJSONTextWrites(value: Value) {
        let back = Value(jsonText: value.jsonText)
        #expect(back?.jsonText == value.jsonText)
        if case .real(let d) = value, let i = Int64(exactly: d) {
            #expect(back == .integer(i))
        } else {
            #expect(back == value)
        }
    }

    /// One reader for the wire and the columns: a whole number in any spelling is an integer.
    @Test func valueJSONReadsAsTheWireDoes() {
        #expect(Value(jsonText: "5.0") == .integer(5) && Value(jsonText: "5e0") == .integer(5) && Value(jsonText: "5.5") == .real(5.5))
        #expect(Value(jsonText: "9007199254740993") == .integer(9007199254740993), "a column reads what it holds")
    }

    @Test func valueJSONReadsEscapesAndRejectsJunk() {
        #expect(Value(jsonText: "\"\\u00e9\\ud83d\\ude80\\/\"") == .text("é🚀/"))
        for junk in ["", "nul", "\"open", "\"a\" trailing", "1.5.5", "\"\\ud83d\"", "\"\\x\"", "nan", "[1]"] {
            #expect(Value(jsonText: junk) == nil, "\(junk)")
        }
    }

    @Test func dotTextRoundTrips() {
        let dots = [Dot(node: "a.b_c-1", seq: 1), Dot(node: "Z", seq: Dot.maxSeq)]
        #expect(DotText.split(DotText.join(dots)) == dots)
        #expect(DotText.split("") == [])
        #expect(DotText.split("a:1,,b:2") == nil && DotText.split("a:0") == nil)
        let vv = VersionVector(["sales-laptop": 12, "a": 1])
        #expect(vv.jsonText == "{\"a\":1,\"sales-laptop\":12}")
        #expect(VersionVector(jsonText: vv.jsonText) == vv)
        #expect(VersionVector(jsonText: "{}") == VersionVector())
        #expect(VersionVector(jsonText: "{\"a\":x}") == nil && VersionVector(jsonText: "{\"a b\":1}") == nil)
        #expect(VersionVector(jsonText: "{\"a\":1} x") == nil && VersionVector(jsonText: "{\"a\":9007199254740993}") == nil)
    }

    @Test func opColumnsRoundTripThroughTheLog() throws {
        let dir = try TempDir()
        defer { dir.cleanup() }
        let log = try ServerLog(path: dir.path("s.sqlite"), schema: TestSchema.schema)
        var sim = try Simulation(seed: 42, dir: dir)
        for _ in 0..<80 { try sim.step() }
        try sim.settle()
        // Pushed one op at a time in log order, so every dot an op names is already in the log.
        for op in sim.log {
            _ = try log.commit([op.content], pushedBy: op.node, department: op.department ?? "", schema: TestSchema.schema,
                               wallMilliseconds: IdentityRecordClock.now + 1_000, maxSkewMilliseconds: 300_000)
        }
        #expect(try log.ops(since: 0, limit: 10_000) == sim.log)
    }
}
