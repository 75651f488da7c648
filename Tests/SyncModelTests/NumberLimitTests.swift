import Foundation
import SyncModel
import Testing

/// Every number crosses every path within ±2^53 or is refused, decided on the digits as written
/// (DESIGN.md, "Text and numbers"): `9007199254740993` and `9007199254740992.5` round to the
/// double 2^53 but lie beyond it.
@Suite("Number limit")
struct NumberLimitTests {
    static let beyond = ["9007199254740993", "-9007199254740993", "9007199254740992.5", "-9007199254740992.5",
                         "9007199254740992.0000001", "9.007199254740993e15", "1e16", "90071992547409921e-1", "1e400"]
    static let within = ["9007199254740992", "-9007199254740992", "9007199254740992.0", "9007199254740991.9", "9.007199254740992e15",
                         "0", "-0", "0.5", "1e-400", "90071992547409920e-1", "123"]

    @Test(arguments: beyond)
    func numberTextBeyondTheLimit(_ text: String) {
        #expect(NumberText.parse(text) == nil)
        var bytes = Array(text.utf8)
        #expect(bytes.withUnsafeMutableBufferPointer { NumberText.isBeyondLimit(UnsafeBufferPointer($0)) })
    }

    @Test(arguments: within)
    func numberTextWithinTheLimit(_ text: String) {
        var bytes = Array(text.utf8)
        #expect(!bytes.withUnsafeMutableBufferPointer { NumberText.isBeyondLimit(UnsafeBufferPointer($0)) })
        // 1e-400 is within the limit but underflows to 0, which the wire refuses too
        #expect((NumberText.parse(text) != nil) == (text != "1e-400"), "\(text)")
    }

    @Test(arguments: ["", "+1", "01", "1.", ".5", "0x10", "1e", "1e+", " 1", "1 ", "nan", "inf", "-", "1_000", "١"])
    func onlyJSONSpellingsAreNumbers(_ text: String) {
        #expect(NumberText.parse(text) == nil, "\(text)")
    }

    /// The field kinds that hold numbers, each with the member a wire op carries the number in.
    enum Kind: String, CaseIterable {
        case integer = "count", real = "weight", counter = "spent"

        func wire(_ number: String) -> String {
            let member = self == .counter ? #""kind":"inc","delta":\#(number)"# : #""kind":"set","value":\#(number)"#
            return #"{"collection":"items","row":"r1","field":"\#(rawValue)",\#(member),"node":"n","seq":1,"hlc":"0000000000010000"}"#
        }
    }

    /// The paths a number takes into a replica: a person's text (`plansync put`, `list --where`)
    /// and a wire op (a push to the daemon, a page pulled from it).
    enum Path: CaseIterable { case typed, wire }

    static func admits(_ number: String, _ kind: Kind, _ path: Path) -> Bool {
        switch path {
        case .typed:
            if kind == .counter { return NumberText.parse(number).map { if case .integer(let i) = $0 { i != 0 } else { false } } ?? false }
            return (try? testSchema.parse(number, for: kind.rawValue, in: "items")) != nil
        case .wire:
            guard let op = try? OpJSON.decode(kind.wire(number)) else { return false }
            return (try? testSchema.validate(op)) != nil
        }
    }

    @Test func refusedOnEveryKindAndPath() {
        for kind in Kind.allCases {
            for path in Path.allCases {
                for number in Self.beyond {
                    #expect(!Self.admits(number, kind, path), "\(kind) \(path) \(number)")
                }
                for number in ["9007199254740992", "-9007199254740992", "12"] {
                    #expect(Self.admits(number, kind, path), "\(kind) \(path) \(number)")
                }
            }
        }
        #expect(Self.admits("9007199254740992.0", .real, .wire) && Self.admits("2.5", .real, .typed))
    }

    @Test func wireRefusalIsAnInvalidOpMember() {
        do {
            _ = try OpJSON.decode(Kind.real.wire("9007199254740992.5"))
            Issue.record("accepted")
        } catch {
            #expect(error.kind == .invalid && error.detail.contains("beyond ±2^53"))
        }
    }
}
