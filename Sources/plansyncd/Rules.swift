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
            print("rules \(rules.version): \(rules.entries.count) entries, ok")
        }
    }
}
