import Foundation
import Logging
import Planning
import SyncServer
import SyncStore

/// `plansyncd serve --keep-days N`: compacts the log at start and then hourly, keeping the ops
/// of the last N days (docs/operations.md, "Retention"). Runs on its own queue, never on an
/// event loop; a failed compaction is logged and tried again at the next turn.
final class Retention: @unchecked Sendable {
    /// Time between two compactions.
    static let interval: DispatchTimeInterval = .seconds(3_600)

    private let log: ServerLog
    /// Told each new horizon, so it stops serving older pulls from memory.
    private let daemon: SyncDaemon
    private let keepDays: Int
    private let logger: Logger
    private let timer: any DispatchSourceTimer

    init(log: ServerLog, daemon: SyncDaemon, keepDays: Int, logger: Logger) {
        self.log = log
        self.daemon = daemon
        self.keepDays = keepDays
        self.logger = logger
        timer = DispatchSource.makeTimerSource(queue: DispatchQueue(label: "plansyncd.retention"))
    }

    func start() {
        timer.setEventHandler { [self] in run() }
        timer.schedule(deadline: .now(), repeating: Retention.interval)
        timer.resume()
    }

    func stop() { timer.cancel() }

    private func run() {
        let now = UInt64(Date().timeIntervalSince1970 * 1000)
        do {
            let report = try log.compact(.keepDays(keepDays, nowMilliseconds: now), schema: PlanningSchema.schema)
            if report.horizon > report.previousHorizon {
                daemon.noteCompaction(horizon: report.horizon)
                logger.info("retention: \(CompactionText.line(report))")
            }
        } catch {
            logger.error("retention: compaction failed; the log keeps its ops until the next try: \(error)")
        }
    }
}
