import Planning
import SyncModel
import Testing

@Suite("Access rules")
struct AccessRulesTests {
    static let example = AccessRules([
        .init(collection: "incentives", access: .read, departments: ["hr", "finance", "planning"]),
        .init(collection: "incentives", access: .write, departments: ["hr"]),
        .init(collection: "projects", field: "budget_planned", access: .write, departments: ["finance", "planning"]),
    ])

    @Test func unnamedCollectionsAndFieldsAreOpenToEveryone() {
        let rules = Self.example
        #expect(rules.mayRead("marketing", "projects"))
        #expect(rules.writeDenial("marketing", "projects", "name") == nil)
        #expect(rules.writeDenial("marketing", "tasks", "title") == nil)
        #expect(AccessRules.open.mayRead("anyone", "incentives"))
    }

    @Test func readAndWriteRulesDecide() {
        let rules = Self.example
        #expect(!rules.mayRead("marketing", "incentives"))
        #expect(rules.mayRead("finance", "incentives"))
        #expect(rules.writeDenial("finance", "incentives", "amount")?.place == "collections.incentives.write")
        #expect(rules.writeDenial("marketing", "incentives", "amount")?.place == "collections.incentives.read")
        #expect(rules.writeDenial("hr", "incentives", "amount") == nil)
        #expect(rules.writeDenial("marketing", "projects", "budget_planned")?.description
                == #"collections.projects.fields.budget_planned.write = ["finance", "planning"]"#)
        #expect(rules.writeDenial("finance", "projects", "budget_planned") == nil)
    }

    /// A write entry wider than the read entry is valid but says more than it grants: `rules check` notes it.
    @Test func writersTheReadEntryLeavesOutAreNamed() {
        #expect(Self.example.writersWhoMayNotRead.isEmpty)
        let rules = AccessRules([
            .init(collection: "goals", access: .read, departments: ["planning", "finance"]),
            .init(collection: "goals", access: .write, departments: ["planning", "sales", "hr"]),
            .init(collection: "goals", field: "target", access: .write, departments: ["finance", "hr"]),
            .init(collection: "tasks", access: .write, departments: ["sales"]),   // no read entry: everyone reads
        ])
        let named = rules.writersWhoMayNotRead.map { "\($0.entry.place): \($0.departments)" }
        #expect(named == [#"collections.goals.write: ["sales", "hr"]"#, #"collections.goals.fields.target.write: ["hr"]"#])
        #expect(rules.writeDenial("sales", "goals", "title")?.place == "collections.goals.read")
    }

    /// A name no token can carry (tokens take ``Department`` names) is refused, naming the place.
    @Test func aDepartmentNameNoTokenCanCarryIsRefused() {
        for name in ["planning ", " planning", "plan\u{7}ning"] {
            let rules = AccessRules([.init(collection: "projects", access: .read, departments: ["hr", name])])
            #expect(throws: AccessRulesError.self) { try rules.validate(against: PlanningSchema.schema) }
        }
        #expect(throws: Never.self) { try Self.example.validate(against: PlanningSchema.schema) }
    }

    @Test func departmentsAreComparedByBytes() {
        // U+212B ANGSTROM SIGN and U+00C5 are canonically equivalent but different bytes.
        let rules = AccessRules([.init(collection: "incentives", access: .read, departments: ["\u{212B}"])])
        #expect(rules.mayRead("\u{212B}", "incentives"))
        #expect(!rules.mayRead("\u{00C5}", "incentives"))
    }

    /// Names the rules take for two departments although they look the same: `rules check` notes them.
    @Test func lookAlikeDepartmentsAreGroupedByCanonicalEquivalence() {
        #expect(Self.example.lookAlikeDepartments.isEmpty)
        let rules = AccessRules([
            .init(collection: "goals", access: .read, departments: ["caf\u{E9}", "planning", "\u{212B}"]),
            .init(collection: "goals", access: .write, departments: ["cafe\u{301}", "\u{C5}", "A\u{30A}", "caf\u{E9}"]),
            .init(collection: "tasks", access: .read, departments: ["planning", "cafe"]),
        ])
        let groups = rules.lookAlikeDepartments.map { $0.map { Array($0.unicodeScalars.map(\.value)) } }
        #expect(groups == [
            [[0x41, 0x30A], [0xC5], [0x212B]],
            [[0x63, 0x61, 0x66, 0x65, 0x301], [0x63, 0x61, 0x66, 0xE9]],
        ])
    }

    @Test func theSubsetConcerningADepartmentAnswersAsTheWhole() {
        let rules = Self.example
        for department in ["hr", "finance", "planning", "marketing", "sales"] {
            let subset = rules.concerning(department)
            #expect(subset.entries.allSatisfy { !$0.allows(department) })
            for collection in PlanningSchema.schema.collections {
                #expect(subset.mayRead(department, collection.name) == rules.mayRead(department, collection.name))
                for field in collection.fields.map(\.name) + [Op.deletedField] {
                    #expect(subset.writeDenial(department, collection.name, field) == rules.writeDenial(department, collection.name, field))
                }
            }
        }
    }

    @Test func versionAndJSONAreStable() throws {
        let reordered = AccessRules(Self.example.entries.reversed())
        #expect(reordered == Self.example)
        #expect(reordered.version == Self.example.version)
        #expect(AccessRules.open.version == "0000000000000000")
        #expect(Self.example.version != AccessRules.open.version)
        let back = try #require(AccessRules.read(jsonText: Self.example.jsonText))
        #expect(back == Self.example)
        #expect(AccessRules.read(jsonText: "{\"entries\":[{\"access\":\"read\"}]}") == nil)
    }

    @Test func validationNamesThePlace() {
        let schema = PlanningSchema.schema
        #expect(throws: Never.self) { try Self.example.validate(against: schema) }
        #expect(throws: AccessRulesError(place: "collections.bonuses", "no collection \"bonuses\" in the schema (schema version \(schema.version))")) {
            try AccessRules([.init(collection: "bonuses", access: .read, departments: ["hr"])]).validate(against: schema)
        }
        #expect(throws: AccessRulesError(place: "collections.projects.fields.budgett", "collection projects has no field \"budgett\"")) {
            try AccessRules([.init(collection: "projects", field: "budgett", access: .write, departments: ["hr"])]).validate(against: schema)
        }
    }

    @Test func aPushWithOneForbiddenOpIsRefusedNamingIt() throws {
        let hlc = try HLCTimestamp(milliseconds: 1_000, counter: 0)
        let ops = [
            Op(collection: "projects", row: "p1", field: "name", kind: .set, node: "m", seq: 1, hlc: hlc, value: .text("x")),
            Op(collection: "projects", row: "p1", field: "budget_planned", kind: .set, node: "m", seq: 2, hlc: hlc, value: .integer(999)),
        ]
        #expect(throws: Never.self) { try Admission.checkAccess(ops, department: "finance", rules: Self.example) }
        #expect(throws: Never.self) { try Admission.checkAccess(ops, department: "marketing", rules: .open) }
        do {
            try Admission.checkAccess(ops, department: "marketing", rules: Self.example)
            Issue.record("not refused")
        } catch {
            #expect(error.code == .forbidden)
            #expect(error.index == 1)
            #expect(error.message.contains("op 1 (m:2)"))
            #expect(error.message.contains("projects.budget_planned"))
            #expect(error.message.contains("collections.projects.fields.budget_planned.write"))
        }
    }

    @Test func theScopedCanonicalFormLeavesHiddenCollectionsOut() throws {
        var state = ReplicaState(schema: PlanningSchema.schema)
        let hlc = try HLCTimestamp(milliseconds: 1_000, counter: 0)
        try state.apply(Op(collection: "incentives", row: "i1", field: "recipient", kind: .set, node: "h", seq: 1, hlc: hlc, value: .text("王五")))
        try state.apply(Op(collection: "projects", row: "p1", field: "name", kind: .set, node: "h", seq: 2, hlc: hlc, value: .text("x")))
        let scoped = state.canonicalForm(including: { Self.example.mayRead("marketing", $0) })
        #expect(!scoped.contains("王五") && !scoped.contains("i1"))
        #expect(scoped.contains("p1"))
        #expect(state.canonicalForm(including: { _ in true }) == state.canonicalForm())
    }
}
