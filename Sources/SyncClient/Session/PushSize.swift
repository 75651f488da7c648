import SyncModel

/// Keeps a push line under the daemon's line limit whatever the ops hold: a batch is cut by its
/// encoded size as well as by count, so an outbox of large values (text up to 64 KiB, six bytes
/// per escaped control character) never turns into a push the daemon must refuse with
/// `line_too_long` on every retry.
enum PushSize {
    /// Bytes a push may take at most: a quarter of the default 16 MiB line limit.
    static let budget = 4 * 1024 * 1024

    /// How many of `ops` (at least one) fit in `budget` bytes of push line: the ops' JSON, a
    /// comma each, and 64 bytes for the rest of the line.
    static func prefixCount(of ops: some Collection<EncodedOp>, budget: Int = PushSize.budget) -> Int {
        var total = 64
        var count = 0
        for op in ops {
            total += op.json.count + 1
            if total > budget, count > 0 { break }
            count += 1
        }
        return count
    }
}
