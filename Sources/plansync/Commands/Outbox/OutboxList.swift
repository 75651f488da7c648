import ArgumentParser
import SyncModel
import SyncStore

/// `outbox [list] [--json]`: the unsent ops, each with the rule that now forbids it, if any (rules
/// as of the last sync). Forbidden ops stay queued: `sync` reports them (exit 3) and sends nothing.
struct OutboxList: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list",
        abstract: "List the unsent ops and any that the access rules now forbid.")

    @OptionGroup var replica: ReplicaOptions
    @Flag(help: "Print JSON: one object per op, with \"forbidden_by\" (the rule) or null.")
    var json = false

    func run() throws {
        let store = try ReplicaAccess.open(replica)
        let department = try store.identity().department
        let rules = try store.accessRules()
        let ops = try store.outbox(limit: .max)
        let rows = ops.map { op in (op, rules.writeDenial(department, op.collection, op.field)) }
        if json {
            Console.out(JSON.array(rows.map { op, rule in
                guard case .object(var members) = OpText.json(op) else { return OpText.json(op) }
                members["forbidden_by"] = rule.map { JSON.string($0.description) } ?? .null
                return .object(members)
            }).render())
            return
        }
        guard !ops.isEmpty else {
            Console.out("the outbox is empty")
            return
        }
        var lines = rows.map { op, rule in
            "\(op.dot)  " + OpText.describe(op) + (rule.map { "  FORBIDDEN by \($0)" } ?? "")
        }
        let forbidden = rows.count { $0.1 != nil }
        lines.append("\(ops.count) unsent op\(ops.count == 1 ? "" : "s")" + (forbidden > 0 ? ", \(forbidden) forbidden by the rules of \(department)" : ""))
        Console.out(lines.joined(separator: "\n"))
    }
}
