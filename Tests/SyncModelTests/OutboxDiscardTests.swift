import Planning
import SyncModel
import Testing

/// ``OutboxDiscard``: dropping unsent ops leaves no seq gap and no reference to a dropped or
/// renumbered op (issue 13, `plansync outbox discard`).
@Suite struct OutboxDiscardTests {
    static let node = "laptop"

    static func op(_ seq: UInt64, _ field: String = "name", kind: OpKind = .set, replaces: [Dot] = [], removes: [Dot] = [],
                   element: String? = nil, context: VersionVector? = nil) -> Op {
        Op(collection: "projects", row: "p1", field: field, kind: kind, node: node, seq: seq, hlc: HLCTimestamp(raw: 1 << 20 | seq),
           value: kind == .set ? (field == Op.deletedField ? .bool(true) : .text("v\(seq)")) : nil, replaces: replaces,
           element: element, removes: removes, context: context)
    }

    static func dot(_ seq: UInt64) -> Dot { Dot(node: node, seq: seq) }

    @Test func theOpsLeftAreRenumberedFromTheFirstDroppedSeqAndTheirReferencesFollow() throws {
        // 4 and 5 were acknowledged before; 6…11 are unsent.
        let outbox = [
            Self.op(6, replaces: [Self.dot(4)]),                                  // kept, before the first dropped
            Self.op(7, "budget_planned"),                                        // dropped
            Self.op(8, replaces: [Self.dot(6), Dot(node: "other", seq: 3)]),     // → 7, replaces 6 and other:3
            Self.op(9, "channels", kind: .add, element: "广播"),                  // → 8
            Self.op(10, "budget_planned", replaces: [Self.dot(7)]),              // dropped
            Self.op(11, Op.deletedField, context: VersionVector([Self.node: 10, "other": 3])),   // → 9, context laptop:8
        ]
        let left = try OutboxDiscard.remaining(outbox, discarding: [Self.dot(7), Self.dot(10)])
        #expect(left.map(\.seq) == [6, 7, 8, 9])
        #expect(left[0] == outbox[0])
        #expect(left[1].replaces == [Self.dot(6), Dot(node: "other", seq: 3)] && left[1].value == .text("v8"))
        #expect(left[2].element == "广播" && left[2].hlc == outbox[3].hlc)
        #expect(left[3].context == VersionVector([Self.node: 8, "other": 3]))
    }

    @Test func aRemoveOfOnlyDroppedTagsGoesTooAndReplacesOfDroppedOpsAreForgotten() throws {
        let outbox = [
            Self.op(1, "channels", kind: .add, element: "广播"),
            Self.op(2, "channels", kind: .remove, removes: [Self.dot(1)], element: "广播"),
            Self.op(3, replaces: [Self.dot(2)]),
            Self.op(4, replaces: [Self.dot(3)]),
        ]
        let left = try OutboxDiscard.remaining(outbox, discarding: [Self.dot(1), Self.dot(3)])
        #expect(left.map(\.seq) == [1])
        #expect(left[0].replaces.isEmpty && left[0].value == .text("v4"))
    }

    @Test func nothingToDropLeavesTheOutboxAsItIsAndAStrangerDotIsRefused() throws {
        let outbox = [Self.op(1), Self.op(2, replaces: [Self.dot(1)])]
        #expect(try OutboxDiscard.remaining(outbox, discarding: [Dot]()) == outbox)
        #expect(throws: ValidationError.self) { try OutboxDiscard.remaining(outbox, discarding: [Self.dot(3)]) }
        #expect(throws: ValidationError.self) { try OutboxDiscard.remaining(outbox, discarding: [Dot(node: "other", seq: 1)]) }
    }

    @Test func theOpsLeftMakeTheStateTheyWouldHaveMadeWithoutTheDroppedOnes() throws {
        // Applying what is left equals applying the original ops except the dropped ones, up to dots.
        let outbox = [Self.op(1, Op.deletedField, context: VersionVector()), Self.op(2), Self.op(3, replaces: [Self.dot(2)]),
                      Self.op(4, "budget_spent", kind: .inc)]
        var withDelta = outbox
        withDelta[3].delta = 5
        withDelta[0].value = .bool(false)
        let left = try OutboxDiscard.remaining(withDelta, discarding: [Self.dot(2)])
        var state = ReplicaState(schema: PlanningSchema.schema)
        for op in left { try state.apply(op) }
        #expect(state.row("projects", "p1")?.fields["name"] != nil)
        #expect(left.map(\.seq) == [1, 2, 3] && left[1].replaces.isEmpty && left[2].delta == 5)
    }

    @Test func opsListedBeforeAnotherDiscardRenumberedThemAreRefusedNotMistaken() throws {
        let outbox = (1...4).map { Self.op($0) }
        // A first discard drops 2: the old 3 and 4 are now 2 and 3.
        let after = try OutboxDiscard.remaining(outbox, discarding: [outbox[1]])
        #expect(after.map(\.seq) == [1, 2, 3] && after[1].hlc == outbox[2].hlc)
        // A second discard of what was listed before it (old 3) must not drop the new 3 (old 4).
        #expect(throws: ValidationError.self) { try OutboxDiscard.remaining(after, discarding: [outbox[2]]) }
        // Listed afresh, the same op is found under its new dot.
        #expect(try OutboxDiscard.remaining(after, discarding: [after[1]]).map(\.hlc) == [outbox[0].hlc, outbox[3].hlc])
    }
}
