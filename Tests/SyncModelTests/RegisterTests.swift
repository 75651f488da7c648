import SyncModel
import Testing

/// Multi-value register with explicit `replaces` (Shapiro et al. 2011, §3.2.2).
@Suite("Multi-value register")
struct RegisterTests {
    private func register(_ ops: [Op]) -> MultiValueRegister {
        var r = MultiValueRegister()
        for op in ops { r.apply(op) }
        return r
    }

    @Test func aWriteReplacesWhatItNames() {
        let r = register([setOp("a", 1, .text("x")), setOp("b", 1, .text("y"), replaces: ["a:1"])])
        #expect(siblingDots(r) == ["b:1"] && r.value == .text("y") && !r.isConflict)
    }

    @Test func concurrentWritesAreSiblings() {
        let r = register([setOp("a", 1, .text("x")), setOp("b", 1, .text("y"), replaces: ["a:1"]),
                          setOp("c", 1, .text("z"), replaces: ["a:1"])])
        #expect(siblingDots(r) == ["b:1", "c:1"] && r.isConflict)
    }

    @Test func emptyRegisterShowsNull() {
        let r = MultiValueRegister()
        #expect(r.value == .null && r.winner == nil && !r.isConflict)
    }

    @Test func winnerIsTheGreatestHLC() {
        let r = register([setOp("z", 1, .text("old"), hlc: ts(1_000)), setOp("a", 1, .text("new"), hlc: ts(2_000))])
        #expect(r.value == .text("new") && r.siblings.map(\.dot) == [dot("a:1"), dot("z:1")])
    }

    @Test func hlcTieIsBrokenByTheGreaterNode() {
        let r = register([setOp("sales", 1, .text("s"), hlc: ts(1_000, 3)), setOp("finance", 1, .text("f"), hlc: ts(1_000, 3))])
        #expect(r.value == .text("s"))
        // the same whatever the order of arrival
        let other = register([setOp("finance", 1, .text("f"), hlc: ts(1_000, 3)), setOp("sales", 1, .text("s"), hlc: ts(1_000, 3))])
        #expect(other == r)
    }

    @Test func counterBreaksTiesInsideAMillisecond() {
        let r = register([setOp("a", 1, .text("later"), hlc: ts(1_000, 2)), setOp("b", 1, .text("earlier"), hlc: ts(1_000, 1))])
        #expect(r.value == .text("later"))
    }

    @Test func aSetNamingAllSiblingsResolvesTheConflict() {
        var r = register([setOp("a", 1, .text("x")), setOp("b", 1, .text("y")), setOp("c", 1, .text("z"))])
        #expect(r.siblings.count == 3)
        let dropped = r.apply(setOp("d", 1, .text("final"), replaces: ["a:1", "b:1", "c:1"]))
        #expect(siblingDots(r) == ["d:1"] && !r.isConflict)
        #expect(Set(dropped.map(\.value)) == [.text("x"), .text("y"), .text("z")])
    }

    @Test func droppedSiblingsAreReturnedWithTheirValues() {
        var r = register([setOp("a", 1, .text("x"), hlc: ts(5))])
        let dropped = r.apply(setOp("b", 1, .text("y"), replaces: ["a:1"]))
        #expect(dropped == [Sibling(dot: dot("a:1"), hlc: ts(5), value: .text("x"))])
        #expect(r.apply(setOp("c", 1, .text("z"), replaces: ["a:1"])).isEmpty)   // already gone
    }

    @Test func replacingAnUnknownDotChangesNothingElse() {
        let r = register([setOp("a", 1, .text("x")), setOp("b", 1, .text("y"), replaces: ["q:9"])])
        #expect(siblingDots(r) == ["a:1", "b:1"])
    }

    @Test func causalOrdersOfConcurrentWritesConverge() {
        // a:1 first; b:1 and c:1 concurrent (both replace a:1); d:1 saw only b:1.
        let a = setOp("a", 1, .text("x"), hlc: ts(1))
        let b = setOp("b", 1, .text("y"), replaces: ["a:1"], hlc: ts(3))
        let c = setOp("c", 1, .text("z"), replaces: ["a:1"], hlc: ts(2))
        let d = setOp("d", 1, .text("w"), replaces: ["b:1"], hlc: ts(4))
        let orders = [[a, b, c, d], [a, c, b, d], [a, b, d, c]]
        let results = orders.map(register)
        #expect(results.allSatisfy { $0 == results[0] })
        #expect(siblingDots(results[0]) == ["c:1", "d:1"] && results[0].value == .text("w"))
    }

    @Test func siblingsKeepDisplayOrderWinnerFirst() {
        let r = MultiValueRegister(siblings: [Sibling(dot: dot("a:1"), hlc: ts(1), value: .integer(1)),
                                              Sibling(dot: dot("b:1"), hlc: ts(3), value: .integer(3)),
                                              Sibling(dot: dot("c:1"), hlc: ts(2), value: .integer(2))])
        #expect(r.siblings.map(\.value) == [.integer(3), .integer(2), .integer(1)])
        #expect(r.dots.map(\.description) == ["a:1", "b:1", "c:1"])
    }
}

/// PN-counter (Shapiro et al. 2011, §3.1.2) and observed-remove set, add wins (Bieniusa et al. 2012).
@Suite("Counter and set")
struct CounterAndSetTests {
    @Test func counterSumsDeltasInAnyOrder() throws {
        let ops = [incOp("a", 1, 5_000_000), incOp("b", 1, 1_200_000), incOp("a", 2, -300)]
        let forward = try replica(ops), backward = try replica([ops[1], ops[0], ops[2]])
        #expect(forward.row("items", "r1")?.fields["spent"] == .counter(PNCounter(value: 6_199_700)))
        #expect(forward.canonicalForm() == backward.canonicalForm())
    }

    @Test func counterWrapsInsteadOfTrapping() {
        var c = PNCounter(value: .max)
        c.apply(delta: 1)
        #expect(c.value == .min)
    }

    @Test func counterIncAppliedTwiceCountsOnce() throws {
        var r = try replica([incOp("a", 1, 5)])
        #expect(try r.apply(incOp("a", 1, 5)) == .skipped)
        #expect(r.row("items", "r1")?.fields["spent"]?.shown == .integer(5))
    }

    @Test func setAddAndRemove() {
        var s = ORSet()
        s.add("b", dot: dot("a:1"))
        s.add("a", dot: dot("a:2"))
        #expect(s.elements == ["a", "b"] && s.contains("a"))
        s.remove("a", observed: [dot("a:2")])
        #expect(s.elements == ["b"] && !s.contains("a") && s.observed("a").isEmpty)
    }

    @Test func setElementsSortByUTF8Bytes() {
        var s = ORSet()
        for (i, e) in ["短视频", "社交媒体", "Zeta", "alpha", "Ä"].enumerated() { s.add(e, dot: Dot(node: "n", seq: UInt64(i + 1))) }
        #expect(s.elements == ["Zeta", "alpha", "Ä", "短视频", "社交媒体"])
    }

    @Test func concurrentAddWinsOverRemove() throws {
        // a adds "x" (a:1); b sees it and removes it while c, not having seen the remove, adds "x" again.
        let add1 = addOp("a", 1, "x"), remove = removeOp("b", 1, "x", removes: ["a:1"]), add2 = addOp("c", 1, "x")
        let one = try replica([add1, remove, add2]), two = try replica([add1, add2, remove])
        #expect(one.row("items", "r1")?.fields["tags"]?.shown == .text(#"["x"]"#))
        #expect(one.canonicalForm() == two.canonicalForm())
    }

    @Test func removeOnlyRemovesObservedAdds() {
        var s = ORSet()
        s.add("x", dot: dot("a:1"))
        s.add("x", dot: dot("b:1"))
        s.remove("x", observed: [dot("a:1")])
        #expect(s.contains("x") && s.observed("x") == [dot("b:1")])
        s.remove("x", observed: [dot("b:1"), dot("q:7")])
        #expect(!s.contains("x"))
    }

    @Test func removeOfAnAbsentElementIsHarmless() {
        var s = ORSet()
        s.remove("ghost", observed: [dot("a:1")])
        #expect(s == ORSet())
    }

    @Test func setShownAsSortedJSONArray() throws {
        let r = try replica([addOp("a", 1, "b\"q"), addOp("a", 2, "a")])
        #expect(r.row("items", "r1")?.fields["tags"]?.shown == .text(#"["a","b\"q"]"#))
    }
}
