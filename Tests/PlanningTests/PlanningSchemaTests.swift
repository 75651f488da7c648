import Planning
import SyncModel
import Testing

@Suite("Planning schema")
struct PlanningSchemaTests {
    let schema = PlanningSchema.schema

    /// Whether `kind` is what the table says.
    static func matches(_ kind: FieldKind, _ expected: Expected) -> Bool {
        switch (kind, expected) {
        case (.text, .text), (.real, .real), (.date, .date), (.datetime, .datetime), (.counter, .counter), (.textSet, .set):
            return true
        case (.integer(let range), .integer(let wanted)):
            // Money and counts in minor units need the whole ±2^53 range unless the table gives one.
            return range == (wanted ?? -(1 << 53)...(1 << 53))
        case (.enumeration(let members), .enumeration(let wanted)):
            return members == wanted
        case (.ref(let target), .ref(let wanted)):
            return target == wanted
        default:
            return false
        }
    }

    @Test func versionIsOne() {
        #expect(schema.version == 1 && PlanningSchema.version == 1)
    }

    @Test func everyCollectionOfTheTableExists() {
        let names = schema.collections.map(\.name)
        #expect(designTable.count == 18)
        for (collection, _) in designTable {
            #expect(names.contains(collection), "missing collection \(collection)")
        }
        #expect(Set(names).count == names.count, "a collection is declared twice")
    }

    @Test(arguments: designTable.map(\.collection))
    func everyFieldOfTheTableHasItsKind(_ collection: String) throws {
        let declared = try #require(schema.collection(collection))
        let fields = try #require(designTable.first { $0.collection == collection }).fields
        for (name, expected) in fields {
            guard let field = declared.field(name) else {
                Issue.record("\(collection).\(name) is missing")
                continue
            }
            #expect(Self.matches(field.kind, expected), "\(collection).\(name) is \(field.kind), the table says \(expected)")
        }
    }

    @Test func everyRefNamesADeclaredCollection() {
        for collection in schema.collections {
            for field in collection.fields {
                if case .ref(let target) = field.kind {
                    #expect(schema.collection(target) != nil, "\(collection.name).\(field.name) refers to unknown \(target)")
                }
            }
        }
    }

    @Test func fieldNamesAreUniqueSnakeCaseAndLeaveDeletedToTheModel() {
        for collection in schema.collections {
            let names = collection.fields.map(\.name)
            #expect(Set(names).count == names.count, "\(collection.name) declares a field twice")
            #expect(!names.contains(Op.deletedField), "\(collection.name) declares _deleted itself")
            for name in names + [collection.name] {
                #expect(!name.isEmpty && name.utf8.allSatisfy { ($0 >= 97 && $0 <= 122) || $0 == 95 }, "\(name) is not snake_case")
            }
            #expect(collection.field(Op.deletedField)?.kind == .bool, "\(collection.name) lacks _deleted")
        }
    }

    @Test func everyEnumHasMembers() {
        for collection in schema.collections {
            for field in collection.fields {
                if case .enumeration(let members) = field.kind {
                    #expect(!members.isEmpty && Set(members).count == members.count, "\(collection.name).\(field.name)")
                }
            }
        }
    }

    // The schema as validation sees it, on the fields DESIGN.md calls out.

    private func message(_ collection: String, _ field: String, _ value: Value) -> String? {
        let op = Op(collection: collection, row: "3f2a9c01", field: field, kind: .set, node: "planning", seq: 1,
                    hlc: HLCTimestamp(raw: 1 << 16), value: value)
        do { try schema.validate(op); return nil } catch { return error.message }
    }

    @Test func percentCompleteIsZeroToHundred() {
        #expect(message("reports", "percent_complete", .integer(0)) == nil)
        #expect(message("reports", "percent_complete", .integer(100)) == nil)
        #expect(message("reports", "percent_complete", .integer(101)) == "reports.percent_complete: 101 is out of range 0 to 100")
        #expect(message("reports", "percent_complete", .integer(-1)) != nil)
    }

    @Test func moneyIsWholeMinorUnits() throws {
        #expect(message("projects", "budget_planned", .integer(8_000_000_000)) == nil)
        #expect(message("projects", "budget_planned", .real(80.5)) == "projects.budget_planned: 80.5 is not a whole number")
        #expect(try schema.parse("8000000000", for: "cost", in: "engagements") == .integer(8_000_000_000))
        let inc = Op(collection: "projects", row: "p1", field: "budget_spent", kind: .inc, node: "finance", seq: 1,
                     hlc: HLCTimestamp(raw: 1 << 16), delta: -120_000)
        try schema.validate(inc)
    }

    @Test func datesAndEnumsAreChecked() {
        #expect(message("projects", "end", .text("2027-02-30")) == "projects.end: \"2027-02-30\" is not a date YYYY-MM-DD")
        #expect(message("tasks", "status", .text("doing")) == nil)
        #expect(message("tasks", "status", .text("started")) == "tasks.status: \"started\" is not one of todo, doing, blocked, done")
        #expect(message("meetings", "scheduled_at", .text("2027-02-01T10:00:00+08:00")) == nil)
    }
}
