import Foundation
import SyncModel
import Testing

/// What docs/merge-semantics.md §6–§8 promise an implementation written from the documents alone:
/// the conflict id's bytes, dot order, the canonical form's exact bytes and what `row_vv` counts.
/// Each expectation is computed from the documented recipe, not from the code under test.
@Suite("Documented forms")
struct SpecPinTests {
    /// 64-bit FNV-1a as §7 states it, first 12 of 16 lowercase hex digits.
    static func documentedID(_ parts: [String]) -> String {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in parts.joined(separator: "\u{1F}").utf8 {
            h ^= UInt64(byte)
            h = h &* 0x0000_0100_0000_01b3
        }
        let hex = String(h, radix: 16)
        return String((String(repeating: "0", count: 16 - hex.count) + hex).prefix(12))
    }

    @Test func registerConflictIDFollowsTheRecipeInDotOrder() throws {
        var state = ReplicaState(schema: testSchema)
        for op in [setOp("b", 1, .text("x")), setOp("a", 1, .text("y"))] { try state.apply(op) }
        let conflict = try #require(state.openConflicts().first)
        #expect(conflict.id == Self.documentedID(["register", "items", "r1", "title", "a:1", "b:1"]))
    }

    @Test func dotOrderIsNodeBytesThenNumericSeq() {
        let dots = [dot("a:10"), dot("b:1"), dot("a:9"), dot("B:5")]
        #expect(dots.sorted().map(\.description) == ["B:5", "a:9", "a:10", "b:1"])
        let register = MultiValueRegister(siblings: dots.map { Sibling(dot: $0, hlc: ts(1), value: .integer(1)) })
        #expect(register.dots.map(\.description) == ["B:5", "a:9", "a:10", "b:1"])
    }

    @Test func editOnDeletedIDListsWinnerThenEditsByNode() throws {
        let ops = [deleteOp("p", 1, false, context: [:]), setOp("p", 2, .text("a")),
                   deleteOp("p", 3, true, context: ["p": 2], replaces: ["p:1"]),
                   setOp("z", 1, .text("late")), incOp("m", 1, 5)]
        let state = try replica(ops)
        let conflict = try #require(state.openConflicts().first { $0.kind == .editOnDeleted })
        #expect(conflict.edits.map(\.description) == ["m:1", "z:1"])
        #expect(conflict.id == Self.documentedID(["edit_on_deleted", "items", "r1", "_deleted", "p:3", "m:1", "z:1"]))
    }

    @Test func rowVVCountsEveryKindButDeleted() throws {
        let ops = [deleteOp("p", 1, false, context: [:]), incOp("i", 1, 3), addOp("a", 1, "t"),
                   removeOp("r", 1, "t", removes: ["a:1"]), setOp("s", 1, .text("x")), deleteOp("d", 1, true, context: [:], replaces: ["p:1"])]
        let row = try #require(try replica(ops).row("items", "r1"))
        #expect(row.vv.sorted.map { "\($0.node):\($0.seq)" } == ["a:1", "i:1", "r:1", "s:1"])
    }

    @Test func canonicalFormBytes() throws {
        let ops = [deleteOp("p", 1, false, context: [:]), setOp("p", 2, field: "weight", .real(0.00001)),
                   setOp("p", 3, .text("q\"\u{1}\u{2028}é")), addOp("p", 4, "b"), addOp("p", 5, "B"), incOp("p", 6, -7),
                   setOp("q", 1, .text("other")), setOp("p", 7, field: "count", .integer(5))]
        let form = try replica(ops).canonicalForm()
        let title = Self.documentedID(["register", "items", "r1", "title", "p:3", "q:1"])
        #expect(form == """
            R "items" "r1" deleted=false
            F "count" register 5 [p:7]
            F "spent" counter -7
            F "tags" set ["B","b"]
            F "title" register "q\\"\\u0001\u{2028}é" [p:3,q:1]
            F "weight" register 1e-05 [p:2]
            F "_deleted" register false [p:1]
            X register "title" \(title)

            """)
        #expect(ReplicaState(schema: testSchema).canonicalForm().isEmpty)
    }

    @Test(arguments: [(0.0001, "0.0001"), (0.00001, "1e-05"), (2.5e-5, "2.5e-05"), (1.5e-300, "1.5e-300"), (123456.789, "123456.789"),
                      (4_503_599_627_370_495.5, "4503599627370495.5"), (-0.0, "0"), (5.0, "5"), (-0.25, "-0.25")])
    func realsPrintAsDocumented(_ value: Double, _ text: String) {
        #expect(Value.real(value).jsonText == text)
    }
}
