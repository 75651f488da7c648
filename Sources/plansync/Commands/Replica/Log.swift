import ArgumentParser
import SyncModel
import SyncStore

/// `log [--limit N] [--json]`: the most recent ops applied to this replica, newest first.
struct Log: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Show the most recent ops, local and received.")

    @OptionGroup var replica: ReplicaOptions

    @Option(help: "How many ops to show (1 to 10000).")
    var limit = 20

    @Flag(help: "Print a JSON array of {position, origin, department, log, op}.")
    var json = false

    func validate() throws {
        guard (1...10_000).contains(limit) else { throw ArgumentParser.ValidationError("--limit must be from 1 to 10000") }
    }

    func run() throws {
        let ops = try ReplicaAccess.open(replica).recentOps(limit: limit)
        if json {
            Console.out(JSON.array(ops.map(Self.json)).render())
        } else if ops.isEmpty {
            Console.out("no ops yet")
        } else {
            var table = Table(headers: ["#", "AT", "BY", "LOG", "OP"])
            table.maxCellWidth = 100
            for entry in ops {
                let by = entry.department.map { "\(entry.op.node) (\($0))" } ?? entry.op.node
                table.append([String(entry.position), TimeText.utc(entry.op.hlc), by, entry.log.map(String.init) ?? "local", OpText.describe(entry.op)])
            }
            Console.out(table.render())
        }
    }

    static func json(_ entry: LoggedOp) -> JSON {
        .object([
            "position": .integer(entry.position),
            "origin": .string(entry.origin.rawValue),
            "department": entry.department.map(JSON.string) ?? .null,
            "log": entry.log.map { .integer(Int64(clamping: $0)) } ?? .null,
            "op": OpText.json(entry.op),
        ])
    }
}
