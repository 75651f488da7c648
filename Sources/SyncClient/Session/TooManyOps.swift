/// Reads the limit a `too_many_ops` refusal names: `a push may carry at most N ops, this one has
/// M; split it` (protocol/PROTOCOL.md §6), so that the client sends pushes of at most N ops.
enum TooManyOps {
    /// N, nil when the message names no limit.
    static func limit(in message: String) -> Int? {
        guard let marker = message.firstRange(of: "at most ") else { return nil }
        let digits = message[marker.upperBound...].prefix { $0.isASCII && $0.isWholeNumber }
        guard !digits.isEmpty, digits.count <= 9 else { return nil }
        return Int(digits)
    }
}

extension SyncClientOptions {
    /// Lowers ``pushBatchSize`` to the limit a `too_many_ops` refusal names (a daemon started with
    /// `--max-ops-per-push` below it); false when the message names none below the current size.
    mutating func fitPushes(toRefusal message: String) -> Bool {
        guard let most = TooManyOps.limit(in: message), most >= 1, most < pushBatchSize else { return false }
        logger.notice("the daemon takes at most \(most) ops per push; sending smaller pushes")
        pushBatchSize = most
        return true
    }
}
