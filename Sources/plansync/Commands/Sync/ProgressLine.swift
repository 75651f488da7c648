import Foundation
import SyncClient

/// The `pushed … / received … (N ops/s)` line of a long sync, redrawn in place on a terminal.
/// Shown only when enabled (stdout is a terminal) and once the sync has run for half a second, so
/// short syncs and scripts see nothing of it. Called from the client's task; guarded by a lock.
final class ProgressLine: @unchecked Sendable {
    private let enabled: Bool
    private let lock = NSLock()
    private var shown = false

    init(enabled: Bool) { self.enabled = enabled }

    func show(_ p: SyncProgress) {
        guard enabled, p.elapsed >= 0.5 else { return }
        lock.withLock {
            shown = true
            let rest = p.remaining > 0 ? ", \(p.remaining) to go" : ""
            Console.progress("pushed \(p.pushed), received \(p.pulled)\(rest) (\(Int(p.opsPerSecond)) ops/s)")
        }
    }

    /// Clears the line if anything was drawn.
    func finish() {
        lock.withLock {
            if shown { Console.endProgress() }
            shown = false
        }
    }
}
