import ArgumentParser
import Planning
import SyncModel

/// `plansyncd rules check FILE`: validates an access-rules file without serving.
struct Rules: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Access rules files.", subcommands: [Check.self])

    /// `plansyncd rules check FILE`.
    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Check a rules file against the schema; prints its version.")

        @Argument(help: "The rules file (TOML).")
        var file: String

        func run() throws {
            let rules = try loadRules(file, schema: PlanningSchema.schema)
            for entry in rules.entries { print(entry) }
            for (entry, departments) in rules.writersWhoMayNotRead {
                print("note: \(entry.place) lists \(departments.map(JSONText.quote).joined(separator: ", ")), which "
                      + "collections.\(entry.collection).read leaves out: writing needs reading, so \(departments.count == 1 ? "it" : "they") may not write there")
            }
            for names in rules.lookAlikeDepartments {
                print("note: departments " + names.map { "\(JSONText.quote($0)) (\(Rules.scalars($0)))" }.joined(separator: " and ")
                      + " look alike but differ in bytes: the rules take them for different departments; write each name as its tokens do")
            }
            print("rules \(rules.version): \(rules.entries.count) entries, ok")
        }
    }

    /// `name`'s Unicode scalars as `U+0063 U+0301`, so that look-alike names can be told apart.
    static func scalars(_ name: String) -> String {
        name.unicodeScalars.map { scalar in
            let hex = String(scalar.value, radix: 16, uppercase: true)
            return "U+" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
        }.joined(separator: " ")
    }
}
