import SyncModel
import Testing

@Suite("OpBuilder")
struct OpBuilderTests {
    private func stamp(_ node: String = "me", _ seq: UInt64 = 1, _ hlc: HLCTimestamp = ts(9_000)) -> OpBuilder.Stamp {
        OpBuilder.Stamp(node: node, seq: seq, hlc: hlc)
    }

    @Test func creatingARowStartsWithDeletedFalse() throws {
        let op = OpBuilder.set(collection: "items", row: "r9", field: Op.deletedField, value: .bool(false), current: nil, stamp: stamp())
        #expect(op == Op(collection: "items", row: "r9", field: Op.deletedField, kind: .set, node: "me", seq: 1, hlc: ts(9_000),
                         value: .bool(false), replaces: [], context: VersionVector()))
        try testSchema.validate(op)
    }

    @Test func setReplacesAllVisibleSiblings() throws {
        let r = try replica([setOp("a", 1, .text("x")), setOp("b", 1, .text("y")), setOp("c", 1, .text("z"), replaces: ["b:1"])])
        let op = OpBuilder.set(collection: "items", row: "r1", field: "title", value: .text("mine"), current: r.row("items", "r1"), stamp: stamp())
        #expect(op.replaces == [dot("a:1"), dot("c:1")] && op.context == nil)
        var after = r
        try after.apply(op)
        #expect(after.openConflicts().isEmpty)
    }

    @Test func setOfAFreshFieldReplacesNothing() throws {
        let r = try replica([setOp("a", 1, .text("x"))])
        let op = OpBuilder.set(collection: "items", row: "r1", field: "due", value: .text("2027-01-01"), current: r.row("items", "r1"), stamp: stamp())
        #expect(op.replaces.isEmpty)
    }

    @Test func deletedCarriesRowVVAsContextAndReplacesDeletedSiblings() throws {
        let r = try replica([deleteOp("a", 1, false, context: [:]), setOp("a", 2, .text("x")), incOp("b", 1, 4)])
        let op = OpBuilder.set(collection: "items", row: "r1", field: Op.deletedField, value: .bool(true), current: r.row("items", "r1"), stamp: stamp())
        #expect(op.context == VersionVector(["a": 2, "b": 1]))
        #expect(op.replaces == [dot("a:1")])
        try testSchema.validate(op)
    }

    @Test func incAndAddCarryTheirPayload() {
        let inc = OpBuilder.inc(collection: "items", row: "r1", field: "spent", delta: -5, stamp: stamp("me", 4))
        #expect(inc.kind == .inc && inc.delta == -5 && inc.dot == dot("me:4"))
        let add = OpBuilder.add(collection: "items", row: "r1", field: "tags", element: "x", stamp: stamp("me", 5))
        #expect(add.kind == .add && add.element == "x" && add.dot == dot("me:5"))
    }

    @Test func removeNamesTheObservedAddDots() throws {
        let r = try replica([addOp("a", 1, "x"), addOp("b", 1, "x"), addOp("b", 2, "y")])
        let op = try #require(OpBuilder.remove(collection: "items", row: "r1", field: "tags", element: "x", current: r.row("items", "r1"), stamp: stamp()))
        #expect(op.kind == .remove && op.element == "x" && op.removes == [dot("a:1"), dot("b:1")])
        var after = r
        try after.apply(op)
        #expect(after.row("items", "r1")?.fields["tags"]?.shown == .text(#"["y"]"#))
    }

    @Test func removeOfAnAbsentElementIsNil() throws {
        let r = try replica([addOp("a", 1, "x"), setOp("a", 2, .text("t"))])
        #expect(OpBuilder.remove(collection: "items", row: "r1", field: "tags", element: "nope", current: r.row("items", "r1"), stamp: stamp()) == nil)
        #expect(OpBuilder.remove(collection: "items", row: "r2", field: "tags", element: "x", current: nil, stamp: stamp()) == nil)
        #expect(OpBuilder.remove(collection: "items", row: "r1", field: "title", element: "t", current: r.row("items", "r1"), stamp: stamp()) == nil)
    }
}

@Suite("Open conflicts and canonical form")
struct ConflictTests {
    @Test func conflictIDsAreEqualAcrossReplicas() throws {
        let a = setOp("a", 1, .text("x"), hlc: ts(1)), b = setOp("b", 1, .text("y"), hlc: ts(2))
        let one = try replica([a, b]), two = try replica([b, a])
        let ids = one.openConflicts().map(\.id)
        #expect(ids.count == 1 && ids == two.openConflicts().map(\.id))
        #expect(ids[0].count == 12 && ids[0].allSatisfy(\.isHexDigit))
        let c = one.openConflicts()[0]
        #expect(c.kind == .register && c.collection == "items" && c.row == "r1" && c.field == "title")
        #expect(c.values.map(\.dot) == [dot("b:1"), dot("a:1")])   // winner first
    }

    @Test func conflictIDChangesWhenASiblingArrives() throws {
        let two = try replica([setOp("a", 1, .text("x")), setOp("b", 1, .text("y"))])
        let three = try replica([setOp("a", 1, .text("x")), setOp("b", 1, .text("y")), setOp("c", 1, .text("z"))])
        #expect(two.openConflicts()[0].id != three.openConflicts()[0].id)
    }

    @Test func conflictIDsDifferByRowAndField() {
        let values = [Sibling(dot: dot("a:1"), hlc: ts(1), value: .null), Sibling(dot: dot("b:1"), hlc: ts(1), value: .null)]
        let ids = Set([
            Conflict(kind: .register, collection: "items", row: "r1", field: "title", values: values).id,
            Conflict(kind: .register, collection: "items", row: "r2", field: "title", values: values).id,
            Conflict(kind: .register, collection: "items", row: "r1", field: "due", values: values).id,
            Conflict(kind: .editOnDeleted, collection: "items", row: "r1", field: "title", values: values).id,
        ])
        #expect(ids.count == 4)
    }

    @Test func openConflictsAreSortedByCollectionRowField() throws {
        var ops: [Op] = []
        for (i, row) in ["r2", "r1"].enumerated() {
            for field in ["title", "due"] {
                let v: Value = field == "due" ? .text("2027-01-0\(i + 1)") : .text("t")
                ops.append(setOp("a", UInt64(ops.count + 1), field: field, v, row: row))
                ops.append(setOp("b", UInt64(ops.count / 2 + 1), field: field, v, row: row))
            }
        }
        let r = try replica(ops)
        #expect(r.openConflicts().map { "\($0.row).\($0.field)" } == ["r1.due", "r1.title", "r2.due", "r2.title"])
    }

    @Test func canonicalFormLineFormat() throws {
        let r = try replica([deleteOp("a", 1, false, context: [:], hlc: ts(1)), setOp("a", 2, .text("x"), hlc: ts(2)),
                             setOp("b", 1, .text("y"), hlc: ts(3)), incOp("a", 3, 7), addOp("a", 4, "q")])
        let id = try #require(r.openConflicts().first?.id)
        #expect(r.canonicalForm() == """
            R "items" "r1" deleted=false
            F "spent" counter 7
            F "tags" set ["q"]
            F "title" register "y" [a:2,b:1]
            F "_deleted" register false [a:1]
            X register "title" \(id)

            """)
    }

    @Test func canonicalFormLeavesOutDepartments() throws {
        var stamped = setOp("a", 1, .text("x"))
        stamped.department = "sales"
        stamped.log = 4
        #expect(try replica([stamped]).canonicalForm() == (try replica([setOp("a", 1, .text("x"))])).canonicalForm())
    }

    @Test func applyingADotTwiceIsSkipped() throws {
        var r = try replica([setOp("a", 1, .text("x"))])
        let before = r
        #expect(try r.apply(setOp("a", 1, .text("other"))) == .skipped)
        #expect(r == before)
    }

    @Test func invalidOpChangesNothing() throws {
        var r = try replica([setOp("a", 1, .text("x"))])
        let before = r
        #expect(throws: ValidationError.self) { try r.apply(setOp("a", 2, field: "due", .text("2027-02-30"))) }
        #expect(r == before)
        #expect(try r.apply(setOp("a", 2, field: "due", .text("2027-02-28"))) == .applied(dropped: []))
    }
}
