import NIOCore
import SyncModel

/// Pushes that arrived while the commit queue was busy, committed together: one transaction and
/// one fsync on SQLite for all of them (group commit), so a busy daemon pays the disk's flush
/// once per group rather than once per push. Each push is still admitted and answered alone.
/// A value touched only on the hub's commit queue.
struct PushGroup {
    /// A push and the promise its `ack` (or refusal) waits on.
    struct Entry {
        let push: PendingPush
        let promise: EventLoopPromise<LogHub.CommitOutcome>
    }

    /// The most ops a group takes (a single bigger push forms a group of its own): bounds one
    /// transaction's time and the memory of the ops it appends.
    static let maxOps = 20_000

    private var waiting: [Entry] = []

    /// Whether no push waits.
    var isEmpty: Bool { waiting.isEmpty }

    /// Queues a push; true when it is the only one waiting, so the caller schedules a commit.
    mutating func add(_ entry: Entry) -> Bool {
        waiting.append(entry)
        return waiting.count == 1
    }

    /// Takes the next group: the waiting pushes in arrival order, at least one, while they hold
    /// at most ``maxOps`` ops together.
    mutating func next() -> [Entry] {
        var count = 0
        var ops = 0
        while count < waiting.count, count == 0 || ops + waiting[count].push.ops.count <= PushGroup.maxOps {
            ops += waiting[count].push.ops.count
            count += 1
        }
        let group = Array(waiting.prefix(count))
        waiting.removeFirst(count)
        return group
    }
}
