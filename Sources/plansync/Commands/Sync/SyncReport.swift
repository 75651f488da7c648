import SyncClient
import SyncStore

/// What `sync` prints: the summary on stdout, warnings and watch notices on stderr.
enum SyncReport {
    /// `pushed 3 ops, received 12 from others; up to date at log position 42; 3 open conflicts (plansync conflicts)`.
    static func summary(_ s: SyncSummary, status: ReplicaStatus) -> String {
        var text = "pushed \(s.pushed) op\(s.pushed == 1 ? "" : "s")"
        if s.duplicates > 0 { text += " (\(s.duplicates) already there)" }
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
        case .clockDrift(let ms):
            Console.err("plansync: warning: this computer's clock is \(ms.magnitude / 1000) s \(ms > 0 ? "ahead of" : "behind") the server's; check it")
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
