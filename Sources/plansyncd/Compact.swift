import ArgumentParser
import Foundation
import Planning
import SyncStore

/// `plansyncd compact (--keep-days N | --before POSITION)`: folds the log below a horizon into
/// the snapshot and shrinks the file; safe while `plansyncd serve` serves the same file.
struct Compact: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Fold the old part of the log into a snapshot and shrink the file (safe while the daemon serves).",
        discussion: """
            Laptops whose cursor is below the new horizon bootstrap from the snapshot at their next sync, \
            keeping their unsent edits (docs/operations.md, "Retention").
            """)

    @Option(help: "Keep the ops received in the last N days; fold the older ones.")
    var keepDays: Int?

    @Option(help: ArgumentHelp("Fold the ops at log positions below POSITION.", valueName: "POSITION"))
    var before: UInt64?

    @OptionGroup var store: DataOption

    func validate() throws {
        guard (keepDays == nil) != (before == nil) else { throw ValidationError("give one of --keep-days N or --before POSITION") }
        if let keepDays, keepDays < 0 { throw ValidationError("--keep-days must be 0 or more") }
        if let keepDays, keepDays > Serve.mostKeepDays { throw ValidationError("--keep-days must be at most \(Serve.mostKeepDays)") }
        if let before, before > 1 << 53 { throw ValidationError("--before must be at most 2^53") }
    }

    func run() throws {
        let log = try store.existingFile("compact")
        let target: CompactionTarget = if let before { .before(position: before) }
            else { .keepDays(keepDays ?? 0, nowMilliseconds: UInt64(Date().timeIntervalSince1970 * 1000)) }
        do {
            print(CompactionText.line(try log.compact(target, schema: PlanningSchema.schema)))
        } catch {
            throw UserError("cannot compact \(store.data): \(error)")
        }
    }
}

/// One line about a compaction, for the command and the daemon's log.
enum CompactionText {
    static func line(_ report: CompactionReport) -> String {
        guard report.horizon > report.previousHorizon else { return "nothing to fold: the horizon stays at \(report.horizon)" }
        var text = "horizon \(report.horizon) (was \(report.previousHorizon)): folded \(report.foldedOps) ops into \(report.rowsWritten) snapshot rows"
        if let before = report.bytesBefore, let after = report.bytesAfter { text += "; file \(before) → \(after) bytes" }
        return text
    }
}
