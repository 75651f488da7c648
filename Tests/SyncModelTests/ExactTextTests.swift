import Foundation
import SyncModel
import TestSupport
import Testing

/// Texts are equal only when their UTF-8 bytes are (DESIGN.md, "Text and numbers"): every place a
/// text is keyed, compared or sorted keeps canonically equivalent texts apart.
@Suite("Exact text")
struct ExactTextTests {
    static let ohm = "\u{2126}", omega = "\u{3A9}"
    static let angstrom = "\u{212B}", aRing = "\u{C5}"

    @Test func swiftStringsMergeWhatBytesKeepApart() {
        // The premise: if this ever stops holding, the rule still does no harm.
        #expect(Self.ohm == Self.omega)
        #expect(ExactText(Self.ohm) != ExactText(Self.omega))
        #expect(Set(CanonicalPairs.texts.map { ExactText($0) }).count == CanonicalPairs.texts.count)
        #expect(Set(CanonicalPairs.texts).count < CanonicalPairs.texts.count)
    }

    @Test func orderIsUTF8ByteOrder() {
        let sorted = ["b", "B", "\u{E9}", "e\u{301}", "a", "\u{10FFFF}", "\u{FFFF}"].map { ExactText($0) }.sorted().map(\.string)
        #expect(sorted == ["B", "a", "b", "e\u{301}", "\u{E9}", "\u{FFFF}", "\u{10FFFF}"])
        #expect(ExactText.less("\u{FFFF}", "\u{10000}"))   // UTF-8 order, not UTF-16 order
    }

    @Test func valuesCompareByBytes() {
        #expect(Value.text(Self.ohm) != .text(Self.omega))
        #expect(Set([Value.text(Self.ohm), .text(Self.omega)]).count == 2)
        #expect(Value.text(Self.ohm) == .text("\u{2126}"))
    }

    @Test func setElementsAreDistinctAndRemovingOneLeavesTheOther() throws {
        var r = try replica([addOp("a", 1, Self.ohm), addOp("b", 1, Self.omega)])
        guard case .set(let s)? = r.row("items", "r1")?.fields["tags"] else { Issue.record("no set"); return }
        #expect(s.elements == [Self.omega, Self.ohm])   // CE 8E A9 before E2 84 A6
        try r.apply(removeOp("a", 2, Self.ohm, removes: ["a:1"]))
        guard case .set(let after)? = r.row("items", "r1")?.fields["tags"] else { Issue.record("no set"); return }
        #expect(after.elements == [Self.omega])
        // a remove of one form names only its own add dots
        #expect(after.observed(Self.omega) == [dot("b:1")] && after.observed(Self.ohm).isEmpty)
    }

    @Test func addsInEitherOrderGiveTheSameState() throws {
        let ops = [addOp("a", 1, Self.ohm), setOp("a", 2, .text(Self.ohm)), addOp("b", 1, Self.omega), setOp("b", 2, .text(Self.omega))]
        // Each node's ops in seq order (causal delivery), the two nodes in either order.
        let one = try replica(ops), other = try replica([ops[2], ops[3], ops[0], ops[1]])
        #expect(one.canonicalForm() == other.canonicalForm())
        #expect(one.canonicalForm().contains(Self.ohm) && one.canonicalForm().contains(Self.omega))
    }

    @Test func rowIDsAreDistinctRows() throws {
        let ops = [deleteOp("a", 1, false, context: [:], row: Self.angstrom), setOp("a", 2, .text("from a"), row: Self.angstrom),
                   deleteOp("b", 1, false, context: [:], row: Self.aRing), setOp("b", 2, .text("from b"), row: Self.aRing)]
        for order in [ops, ops.reversed(), [ops[0], ops[2], ops[1], ops[3]]] {
            let r = try replica(order)
            #expect(r.rows["items"]?.count == 2)
            #expect(r.openConflicts().isEmpty, "one row each: nothing to disagree on")
            guard case .register(let a)? = r.row("items", Self.angstrom)?.fields["title"],
                  case .register(let b)? = r.row("items", Self.aRing)?.fields["title"] else { Issue.record("rows missing"); continue }
            #expect(a.value == .text("from a") && b.value == .text("from b"))
        }
    }

    @Test func aCopiedReplicaThatWroteAnEquivalentTextIsADuplicateDot() throws {
        var log = MemoryOpLog()
        _ = try Admission.admit([setOp("a", 1, .text(Self.ohm))], pushedBy: "a", schema: testSchema, log: log,
                                wallMilliseconds: 1_000_000, maxSkewMilliseconds: 300_000)
        log.append([setOp("a", 1, .text(Self.ohm))], department: "d")
        for copy in [setOp("a", 1, .text(Self.omega)), addOp("a", 1, Self.omega)] {
            #expect(throws: Admission.Refusal.self) {
                try Admission.admit([copy], pushedBy: "a", schema: testSchema, log: log, wallMilliseconds: 1_000_000, maxSkewMilliseconds: 300_000)
            }
        }
        #expect(setOp("a", 1, .text(Self.ohm)) != setOp("a", 1, .text(Self.omega)))
        #expect(addOp("a", 1, Self.ohm, row: Self.angstrom) != addOp("a", 1, Self.ohm, row: Self.aRing))
    }

    @Test func enumMembersAndSchemaNamesMatchByBytes() {
        // U+212A KELVIN SIGN is canonically equivalent to "K".
        let schema = Schema(version: 1, collections: [CollectionSchema("k", [FieldSchema("K", .enumeration(["K"]))])])
        #expect(schema.collection("k") != nil)
        #expect(schema.collection("k")?.field("\u{212A}") == nil)
        let op = Op(collection: "k", row: "r", field: "K", kind: .set, node: "n", seq: 1, hlc: ts(1), value: .text("\u{212A}"))
        #expect(throws: ValidationError.self) { try schema.validate(op) }
    }
}
