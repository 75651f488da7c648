import ArgumentParser
import SyncModel
import SyncStore

/// `rules [--json]`: the access rules this replica's department received in its last `welcome`:
/// the collections it may not read and the collections and fields it may not write.
struct RulesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "rules",
        abstract: "Show the access rules that concern this department (as of the last sync).")

    @OptionGroup var replica: ReplicaOptions
    @Flag(help: "Print JSON: version, department, entries (collection, field, access, departments).")
    var json = false

    func run() throws {
        let store = try ReplicaAccess.open(replica)
        let rules = try store.accessRules()
        let version = try store.accessRulesVersion()
        let department = try store.identity().department
        if json {
            Console.out(JSON.object([
                "department": .string(department),
                "version": version.map(JSON.string) ?? .null,
                "entries": .array(rules.entries.map { e in
                    .object([
                        "collection": .string(e.collection),
                        "field": e.field.map(JSON.string) ?? .null,
                        "access": .string(e.access.rawValue),
                        "departments": .array(e.departments.map(JSON.string)),
                    ])
                }),
            ]).render())
            return
        }
        guard let version else {
            Console.out("no rules received yet: sync once to learn what \(department) may read and write")
            return
        }
        var lines = ["rules version \(version), department \(department)"]
        if rules.isOpen { lines.append("\(department) may read and write every collection and field") }
        for e in rules.entries {
            let what = e.access == .read ? "may not read (nor write)" : "may not write"
            lines.append("\(what) \(e.field.map { "\(e.collection).\($0)" } ?? e.collection): \(e)")
        }
        Console.out(lines.joined(separator: "\n"))
    }
}
