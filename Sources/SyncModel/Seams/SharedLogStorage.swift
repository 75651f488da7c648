/// A log that several daemons share (PostgreSQL; in tests, one ``ServerLogStorage`` value handed
/// to two daemons). Each daemon commits through it as usual; this adds the wake-up by which a
/// daemon learns that another one appended ops, so that its own subscribers receive them too.
///
/// The wake-up carries no ops: a daemon that is woken reads the log from the last position it
/// delivered, so an op reaches subscribers only from the log, never from a notification
/// (PostgreSQL's LISTEN/NOTIFY may drop or merge notifications; a read cannot).
/// ```swift
/// let watch = try storage.watchCommits { hub.foreignCommit() }
/// defer { watch.cancel() }
/// ```
public protocol SharedLogStorage: ServerLogStorage {
    /// Starts calling `wake` whenever another daemon may have committed ops. Calls may come on
    /// any thread, may be spurious, and several commits may give one call; after a lost and
    /// restored connection to the database the storage calls `wake` once more, since it may have
    /// missed some. Throws when watching cannot start. The calls stop at ``CommitWatch/cancel()``.
    func watchCommits(_ wake: @escaping @Sendable () -> Void) throws -> any CommitWatch
}

/// A running ``SharedLogStorage/watchCommits(_:)``.
public protocol CommitWatch: Sendable {
    /// Stops the calls; after it returns, `wake` is not called again. Idempotent.
    func cancel()
}
