import SyncModel
import Testing

/// `Schema.validate(op)`: every field kind, and messages that name collection, field and expectation.
@Suite("Schema validation")
struct ValidationTests {
    private func message(_ op: Op, schema: Schema = testSchema) -> String? {
        do { try schema.validate(op); return nil } catch { return error.message }
    }

    private func accepts(_ field: String, _ value: Value) -> Bool {
        message(setOp("n", 1, field: field, value)) == nil
    }

    @Test func textUpTo64KiB() {
        #expect(accepts("title", .text(String(repeating: "a", count: Schema.maxTextBytes))))
        #expect(accepts("title", .text("")))
        let over = message(setOp("n", 1, .text(String(repeating: "a", count: Schema.maxTextBytes + 1))))
        #expect(over == "items.title: text of 65537 bytes is over the limit of 65536")
        // the limit counts UTF-8 bytes, not characters
        #expect(!accepts("title", .text(String(repeating: "é", count: Schema.maxTextBytes / 2 + 1))))
    }

    @Test func textRefusesOtherScalars() {
        #expect(message(setOp("n", 1, .integer(5))) == "items.title: 5 is not text")
        #expect(!accepts("title", .bool(true)))
    }

    @Test func integersAndTheirRange() {
        #expect(accepts("count", .integer(-(1 << 53))) && accepts("count", .integer(1 << 53)))
        #expect(!accepts("count", .integer((1 << 53) + 1)))
        #expect(!accepts("count", .real(1.5)))
        #expect(!accepts("count", .text("5")))
        #expect(accepts("percent", .integer(0)) && accepts("percent", .integer(100)))
        #expect(message(setOp("n", 1, field: "percent", .integer(101))) == "items.percent: 101 is out of range 0 to 100")
        #expect(message(setOp("n", 1, field: "percent", .integer(-1))) == "items.percent: -1 is out of range 0 to 100")
    }

    @Test func realsAcceptIntegersAndRefuseNonFiniteOrHugeNumbers() throws {
        #expect(accepts("weight", .real(2.5)) && accepts("weight", .integer(3)) && accepts("weight", .real(-0.0)))
        #expect(!accepts("weight", .real(.nan)) && !accepts("weight", .real(.infinity)))
        #expect(!accepts("weight", .real(1e300)) && !accepts("weight", .integer((1 << 53) + 1)))
        #expect(accepts("weight", .real(9_007_199_254_740_992)))
        #expect(!accepts("weight", .text("2.5")))
        let m = try #require(message(setOp("n", 1, field: "weight", .text("2.5"))))
        #expect(m.hasPrefix("items.weight: \"2.5\" is not a number"))
    }

    @Test func bools() {
        #expect(accepts("done", .bool(false)))
        #expect(message(setOp("n", 1, field: "done", .text("yes"))) == "items.done: \"yes\" is not true or false")
    }

    @Test(arguments: ["2024-02-29", "2000-02-29", "2027-12-31", "0001-01-01", "2027-04-30"])
    func validDates(_ text: String) {
        #expect(accepts("due", .text(text)))
    }

    @Test(arguments: ["2027-02-29", "1900-02-29", "2100-02-29", "2027-02-30", "2027-04-31", "2027-13-01", "2027-00-10",
                      "2027-01-00", "0000-01-01", "27-01-01", "2027-1-01", "2027/01/01", "2027-01-01T00:00:00Z", "", "２０２７-01-01"])
    func invalidDates(_ text: String) {
        #expect(message(setOp("n", 1, field: "due", .text(text))) == "items.due: \(JSONText.quote(text)) is not a date YYYY-MM-DD")
    }

    @Test(arguments: ["2027-02-01T10:00:00Z", "2027-02-01T10:00:00+08:00", "2027-02-01T10:00:00-05:30",
                      "2027-02-01T10:00:00.123Z", "2024-02-29T23:59:60Z", "2027-02-01 10:00:00Z"])
    func validDatetimes(_ text: String) {
        #expect(accepts("at", .text(text)))
    }

    @Test(arguments: ["2027-02-01T10:00:00", "2027-02-01T10:00Z", "2027-02-01T24:00:00Z", "2027-02-01T10:60:00Z",
                      "2027-02-29T10:00:00Z", "2027-02-01T10:00:00+0800", "2027-02-01T10:00:00+24:00", "2027-02-01T10:00:00.Z",
                      "2027-02-01T10:00:00z", "2027-02-01", "2027-02-01T10:00:00ZZ", "2027-02-01T10:00:00+08:00 "])
    func invalidDatetimes(_ text: String) {
        #expect(message(setOp("n", 1, field: "at", .text(text))) == "items.at: \(JSONText.quote(text)) is not a datetime YYYY-MM-DDThh:mm:ss with Z or ±hh:mm")
    }

    @Test func enumMembers() {
        #expect(accepts("level", .text("medium")))
        #expect(message(setOp("n", 1, field: "level", .text("urgent"))) == "items.level: \"urgent\" is not one of low, medium, high")
        #expect(!accepts("level", .text("Medium")))
    }

    @Test func refsAreRowIDs() {
        #expect(accepts("owner", .text("3f2a9c01-b2de-4c1e-9a55-0d5e3c1f7a10")))
        #expect(message(setOp("n", 1, field: "owner", .text("has space"))) == "items.owner: \"has space\" is not the id of a row of people")
        #expect(!accepts("owner", .text(String(repeating: "x", count: Schema.maxRowIDBytes + 1))))
        #expect(!accepts("owner", .integer(7)))
    }

    @Test func nullClearsAnyRegister() {
        for field in ["title", "count", "percent", "weight", "done", "due", "at", "level", "owner"] {
            #expect(accepts(field, .null), "\(field)")
        }
    }

    @Test func unknownCollection() throws {
        var op = setOp("n", 1, .text("x"))
        op.collection = "widgets"
        #expect(message(op) == "unknown collection \"widgets\"; known: items, people")
    }

    @Test func unknownField() throws {
        #expect(message(setOp("n", 1, field: "colour", .text("x"))) == "items: unknown field \"colour\"; known: title, count, percent, weight, done, due, at, level, owner, spent, tags")
    }

    @Test func badRowID() throws {
        #expect(message(setOp("n", 1, .text("x"), row: "")) != nil)
        #expect(message(setOp("n", 1, .text("x"), row: "a\nb"))?.hasPrefix("invalid row id") == true)
        // Look-alike ids: no-break space, ideographic space, zero-width space, a bidi override.
        for id in ["a\u{00A0}b", "a\u{3000}b", "a\u{200B}b", "a\u{202E}b"] {
            #expect(message(setOp("n", 1, .text("x"), row: id))?.hasPrefix("invalid row id") == true, "\(id.unicodeScalars.map(\.value))")
        }
        #expect(message(setOp("n", 1, .text("x"), row: "项目-2027")) == nil)
    }

    @Test func wrongOpKindForTheField() {
        var inc = incOp("n", 1, 5)
        inc.field = "title"
        #expect(message(inc) == "items.title: inc does not apply to text")
        #expect(message(setOp("n", 1, field: "spent", .integer(5))) == "items.spent: set does not apply to a counter (change it with inc)")
        #expect(message(setOp("n", 1, field: "tags", .text("x"))) == "items.tags: set does not apply to a set of text (change it with add and remove)")
        var add = addOp("n", 1, "x")
        add.field = "spent"
        #expect(message(add) == "items.spent: add does not apply to a counter (change it with inc)")
        var deletedInc = incOp("n", 1, 1)
        deletedInc.field = Op.deletedField
        #expect(message(deletedInc) == "items._deleted: inc does not apply to true or false")
    }

    @Test func countersNeedADeltaWithin2To53() {
        #expect(message(incOp("n", 1, -(1 << 53))) == nil)
        #expect(message(incOp("n", 1, (1 << 53) + 1)) == "items.spent: delta beyond ±2^53")
        var noDelta = incOp("n", 1, 1)
        noDelta.delta = nil
        #expect(message(noDelta) != nil)
    }

    @Test func setElementsAreTextUpTo64KiB() {
        #expect(message(addOp("n", 1, "短视频")) == nil)
        #expect(message(addOp("n", 1, String(repeating: "x", count: Schema.maxTextBytes + 1)))?.hasPrefix("items.tags: text of") == true)
        #expect(message(removeOp("n", 1, String(repeating: "x", count: Schema.maxTextBytes + 1), removes: ["a:1"])) != nil)
    }

    @Test func newSetElementsRefuseNULButStoredOnesStillApply() {
        func newMessage(_ op: Op) -> String? {
            do { try testSchema.validateNew(op); return nil } catch { return error.message }
        }
        #expect(newMessage(addOp("n", 1, "a\u{0}b")) == "items.tags: a set element may not contain U+0000 (NUL)")
        #expect(newMessage(addOp("n", 1, "\u{0}")) != nil)
        #expect(newMessage(removeOp("n", 1, "a\u{0}", removes: ["a:1"])) != nil)
        #expect(newMessage(addOp("n", 1, "a\u{1}b")) == nil)
        #expect(newMessage(addOp("n", 1, String(repeating: "x", count: Schema.maxTextBytes + 1))) != nil, "and every rule of validate")
        // An op some log took in before the rule still applies.
        #expect(message(addOp("n", 1, "a\u{0}b")) == nil)
    }

    @Test func deletedRequiresABoolAndAContext() {
        #expect(message(deleteOp("n", 1, true, context: [:])) == nil)
        #expect(message(deleteOp("n", 1, false, context: ["a": 3])) == nil)
        #expect(message(setOp("n", 1, field: Op.deletedField, .bool(true))) == "items._deleted: a set of _deleted needs a context")
        #expect(message(setOp("n", 1, field: Op.deletedField, .null, context: VersionVector())) == "items._deleted: expected true or false")
        #expect(message(setOp("n", 1, field: Op.deletedField, .text("yes"), context: VersionVector())) == "items._deleted: \"yes\" is not true or false")
    }

    @Test func contextElsewhereIsRefused() {
        #expect(message(setOp("n", 1, .text("x"), context: VersionVector(["a": 1]))) == "items.title: only _deleted carries a context")
        #expect(message(setOp("n", 1, .text("x"), context: VersionVector())) == "items.title: only _deleted carries a context")
    }

    @Test func expectationsReadWell() {
        #expect(FieldKind.anyInteger.expectation == "a whole number")
        #expect(FieldKind.ref("projects").expectation == "the id of a row of projects")
        #expect(FieldKind.counter.crdt == .counter && FieldKind.textSet.crdt == .set && FieldKind.date.crdt == .register)
        #expect(FieldKind.textSet.acceptedOps == [.add, .remove] && FieldKind.counter.acceptedOps == [.inc])
    }

    @Test func everyCollectionHasDeleted() {
        #expect(testSchema.collection("people")?.field(Op.deletedField)?.kind == .bool)
        #expect(testSchema.collection("people")?.fields.map(\.name) == ["name"])
    }
}

/// `Schema.parse`: text typed by a person into a field's value.
@Suite("Schema.parse")
struct SchemaParseTests {
    private func parse(_ text: String, _ field: String) throws(ValidationError) -> Value {
        try testSchema.parse(text, for: field, in: "items")
    }

    private func parseError(_ text: String, _ field: String) -> String? {
        do { _ = try parse(text, field); return nil } catch { return error.message }
    }

    @Test func parsesEachRegisterKind() throws {
        #expect(try parse("hello", "title") == .text("hello"))
        #expect(try parse("80000000", "count") == .integer(80_000_000))
        #expect(try parse("-3", "count") == .integer(-3))
        #expect(try parse("2.5", "weight") == .real(2.5))
        #expect(try parse("yes", "done") == .bool(true) && (try parse("FALSE", "done")) == .bool(false))
        #expect(try parse("2024-02-29", "due") == .text("2024-02-29"))
        #expect(try parse("2027-02-01T10:00:00+08:00", "at") == .text("2027-02-01T10:00:00+08:00"))
        #expect(try parse("high", "level") == .text("high"))
        #expect(try parse("p-1", "owner") == .text("p-1"))
    }

    @Test func emptyTextClears() throws {
        #expect(try parse("", "title") == .null)
        #expect(try parse("", "count") == .null)
        #expect(parseError("", Op.deletedField) == "items._deleted: \"\" is not true or false")
    }

    @Test func errorsNameFieldAndExpectation() {
        #expect(parseError("2027-02-29", "due") == "items.due: \"2027-02-29\" is not a date YYYY-MM-DD")
        #expect(parseError("lots", "count") == "items.count: \"lots\" is not a whole number")
        #expect(parseError("101", "percent") == "items.percent: 101 is out of range 0 to 100")
        #expect(parseError("1.5", "count") == "items.count: \"1.5\" is not a whole number")
        #expect(parseError("inf", "weight")?.hasPrefix("items.weight: \"inf\" is not a number") == true)
        #expect(parseError("maybe", "done") == "items.done: \"maybe\" is not true or false")
        #expect(parseError("urgent", "level") == "items.level: \"urgent\" is not one of low, medium, high")
        #expect(parseError("5", "spent") == "items.spent: is a counter (change it with inc)")
        #expect(parseError("x", "tags") == "items.tags: is a set of text (change it with add and remove)")
        #expect(parseError("x", "colour")?.hasPrefix("items: unknown field \"colour\"") == true)
        #expect(parseError("9007199254740993", "count") == "items.count: 9007199254740993 is out of range -9007199254740992 to 9007199254740992")
        #expect(parseError("9007199254740993", "weight") == #"items.weight: "9007199254740993" is not a number within ±2^53"#)
        #expect(parseError("9007199254740992.5", "weight") == #"items.weight: "9007199254740992.5" is not a number within ±2^53"#)
        #expect(parseError("0x10", "weight") == #"items.weight: "0x10" is not a number within ±2^53"#)
    }

    @Test func unknownCollection() {
        do {
            _ = try testSchema.parse("x", for: "title", in: "widgets")
            Issue.record("expected an error")
        } catch {
            #expect(error.message == "unknown collection \"widgets\"; known: items, people")
        }
    }
}
