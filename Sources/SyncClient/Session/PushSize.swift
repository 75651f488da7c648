import SyncModel
import SyncProtocol

/// Keeps a push line under the daemon's line limit whatever the ops hold: a batch is cut by its
/// encoded size as well as by count, so an outbox of large values (text up to 64 KiB, six bytes
/// per escaped control character) never turns into a push the daemon must refuse with
/// `line_too_long` on every retry.
enum PushSize {
    /// Bytes a push may take at most (``SyncProtocol/WireProtocol/maxPushLineBytes``).
    static let budget = WireProtocol.maxPushLineBytes

    /// How many of `ops` (at least one) fit in `budget` bytes of push line: the ops' JSON, a
    /// comma each, and 96 bytes for the rest of the line (`id`, `sent_through`, `type`).
    static func prefixCount(of ops: some Collection<EncodedOp>, budget: Int = PushSize.budget) -> Int {
        var total = 96
        var count = 0
        for op in ops {
            total += op.json.count + 1
            if total > budget, count > 0 { break }
            count += 1
        }
        return count
    }
}

/// How many outbox ops to read at once so that a read holds about `bytes` of them: the outbox is
/// read by count, so the first read takes `first` ops and later ones follow the average size of
/// the ops read so far. Without it, an outbox of ~390 KB ops (65,000-character texts full of
/// escapes) was read thousands at a time to send one 4 MiB push.
struct OutboxReadAhead {
    /// Ops of the first read, before their size is known.
    let first: Int
    /// About how many bytes of ops one read may take.
    let bytes: Int
    private var ops = 0
    private var total = 0

    init(first: Int = 64, bytes: Int) {
        self.first = max(1, first)
        self.bytes = max(1, bytes)
    }

    /// The `limit` of the next read: at most `most`, at least 1.
    func limit(most: Int) -> Int {
        guard ops > 0 else { return max(1, min(most, first)) }
        return max(1, min(most, bytes / max(1, total / ops)))
    }

    /// Takes the sizes of ops just read.
    mutating func read(_ read: some Collection<EncodedOp>) {
        ops += read.count
        total += read.reduce(0) { $0 + $1.json.count }
    }
}
