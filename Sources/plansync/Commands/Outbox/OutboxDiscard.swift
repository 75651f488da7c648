import ArgumentParser
import Planning
import SyncClient
import SyncModel
import SyncStore

/// `outbox discard (DOT… | --refused)`: drops those unsent ops and brings the replica back to the
/// daemon's state for its department (``SyncClient/SyncClient/rebuild(discarding:)``): rebuilt
/// beside the file from the daemon, the other unsent ops re-applied, swapped in atomically.
/// Needs the daemon. A dot that is not unsent: exit 1, nothing changed; network or refusal: exit 3,
/// nothing changed.
struct OutboxDiscard: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "discard",
        abstract: "Drop unsent ops and bring this replica back to the daemon's state.",
        discussion: """
            The replica is rebuilt from the daemon (its snapshot when the log is compacted) beside the \
            file and swapped in; the other unsent ops are kept, renumbered after the dropped ones. \
            --refused drops the ops the access rules of the last sync forbid (plansync outbox marks them).
            """)

    @OptionGroup var replica: ReplicaOptions

    @Argument(help: ArgumentHelp("Dots of unsent ops, as plansync outbox shows them (node:seq).", valueName: "dot"))
    var dots: [String] = []

    @Flag(help: "Drop every unsent op the access rules forbid.")
    var refused = false

    func validate() throws {
        guard dots.isEmpty == refused else { throw ArgumentParser.ValidationError("give the dots to discard, or --refused") }
        for text in dots where Dot(parsing: text) == nil { throw ArgumentParser.ValidationError("\(text) is not a dot (node:seq)") }
    }

    func run() async throws {
        let store = try ReplicaAccess.open(replica)
        try store.checkWritable()
        // No sync may have a push of these ops on the wire meanwhile (ReplicaLock).
        let lock = try ReplicaLock(replica: replica.path, exclusive: true, for: "outbox discard")
        defer { withExtendedLifetime(lock) {} }
        let outbox = try store.outbox(limit: .max)
        let discarding: [Op]
        if refused {
            let department = try store.identity().department, rules = try store.accessRules()
            discarding = outbox.filter { rules.writeDenial(department, $0.collection, $0.field) != nil }
            guard !discarding.isEmpty else {
                throw CLIError.user("no unsent op is forbidden by the rules of \(department) (as of the last sync); nothing was discarded")
            }
        } else {
            let named = dots.compactMap(Dot.init(parsing:))
            let unsent = Dictionary(outbox.map { ($0.dot, $0) }, uniquingKeysWith: { first, _ in first })
            if let missing = named.first(where: { unsent[$0] == nil }) {
                throw CLIError.user("\(missing) is not an unsent op of this replica (plansync outbox lists them); nothing was discarded")
            }
            discarding = named.compactMap { unsent[$0] }
        }
        try store.checkDiscardable(discarding)
        var options = SyncClientOptions()
        options.logger = Quiet.logger
        let summary = try await SyncClient(replica: store, schemaVersion: PlanningSchema.version, options: options).rebuild(discarding: discarding)
        let left = try store.outboxCount()
        Console.out("discarded \(discarding.count) unsent op\(discarding.count == 1 ? "" : "s"); "
            + "rebuilt from the daemon at log position \(summary.cursor)"
            + (summary.bootstrapped.map { $0 > 0 ? " (snapshot at \($0))" : "" } ?? "")
            + "; \(left) unsent op\(left == 1 ? "" : "s") left")
        // The ops after a dropped one took new seqs: an earlier listing's dots now name other ops.
        let firstDropped = discarding.map(\.seq).min() ?? .max, dropped = Set(discarding.map(\.dot))
        if outbox.contains(where: { $0.seq > firstDropped && !dropped.contains($0.dot) }) {
            Console.out("the unsent ops after the dropped ones were renumbered: list them again (plansync outbox) before discarding more")
        }
    }
}
