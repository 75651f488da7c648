import ArgumentParser
import SyncStore

/// `rekey --node NEW-NODE-ID`: gives a replica whose file was copied (its push refused with
/// `duplicate_dot`) a new node id, moving its unsent ops to it without losing any
/// (``SyncStore/ReplicaStore/rekey(to:)``). Bad or used node id: exit 1, nothing changed.
struct Rekey: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Give this replica a new node id, moving its unsent edits to it.",
        discussion: """
            For a replica file that was copied: when the copy synced first, this one's push is \
            refused with duplicate_dot. Its unsent edits get new dots under the new node id (seq 1, 2, …), \
            acknowledged ops stay, and the next sync pulls the log again from the start. Choose an id \
            no other replica uses.
            """)

    @OptionGroup var replica: ReplicaOptions

    @Option(help: ArgumentHelp("The new node id: 1 to 64 of A-Z a-z 0-9 . _ -, used by no other replica.", valueName: "new-node-id"))
    var node: String

    func run() throws {
        let store = try ReplicaAccess.open(replica)
        // No sync may have a push of the moving ops on the wire meanwhile (ReplicaLock).
        let lock = try ReplicaLock(replica: replica.path, exclusive: true, for: "rekey")
        defer { withExtendedLifetime(lock) {} }
        let done = try store.rekey(to: node)
        Console.out("node id is now \(node) (was \(done.oldNode)); \(done.moved) unsent op\(done.moved == 1 ? "" : "s") moved to it; run plansync sync")
    }
}
