import SyncClient
import SyncStore

/// What `sync` prints: the summary on stdout, warnings and watch notices on stderr.
enum SyncReport {
    /// `pushed 3 ops, received 12 from others; up to date at log position 42; 3 open conflicts (plansync conflicts)`.
    static func summary(_ s: SyncSummary, status: ReplicaStatus) -> String {
        var text = "pushed \(s.pushed) op\(s.pushed == 1 ? "" : "s")"
        if let horizon = s.bootstrapped {
            text = "bootstrapped from the daemon's snapshot at log position \(horizon) (\(s.snapshotRows) rows); " + text
        }
        if s.duplicates > 0 { text += " (\(s.duplicates) already there)" }
        if s.resent > 0 { text += " (\(s.resent) the daemon had lost, sent again)" }
        if s.restamped > 0 { text += " (\(s.restamped) re-stamped with the corrected clock)" }
        text += ", received \(s.applied) from others; up to date at log position \(s.cursor)"
        if status.openConflicts > 0 {
            text += "; \(status.openConflicts) open conflict\(status.openConflicts == 1 ? "" : "s") (plansync conflicts)"
        }
        return text
    }

    /// Handles one client event: progress on a terminal, clock and connection trouble on stderr.
    static func event(_ event: SyncEvent, progress: ProgressLine) {
        switch event {
        case .progress(let p):
            progress.show(p)
        case .bootstrapping(let horizon):
            // Said when it starts, for sync and watch alike: installing a large snapshot is silent otherwise.
            Console.err("plansync: bootstrapping this replica from the daemon's snapshot at log position \(horizon); this can take a while")
        case .clockDrift(let ms):
            Console.err("plansync: warning: this computer's clock is \(SyncClientError.span(ms.magnitude)) \(ms > 0 ? "ahead of" : "behind") the server's; check it")
        case .resent(let count):
            Console.err("plansync: warning: the daemon had lost \(count) op\(count == 1 ? "" : "s") of this replica (restored from a backup?); sending \(count == 1 ? "it" : "them") again")
        case .restamped(let count):
            Console.err("plansync: re-stamped \(count) unsent op\(count == 1 ? "" : "s") with the corrected clock")
        case let .lostHistory(cursor, head):
            Console.err("plansync: warning: the daemon's log ends at position \(head), below this replica's \(cursor): it lost history (restored from a backup?)")
        case .connected:
            break
        case .applied(_, let fromOthers, let cursor):
            // Own ops coming back are not news; say nothing for them.
            if fromOthers > 0 { Console.out("received \(fromOthers) op\(fromOthers == 1 ? "" : "s") from others, at log position \(cursor)") }
        case .disconnected(let error, let retryIn):
            Console.err("plansync: \(ErrorTranslation.translate(error).message); retrying in \(String(format: "%.1f", retryIn)) s")
        }
    }
}
