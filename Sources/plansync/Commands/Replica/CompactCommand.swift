import ArgumentParser
import SyncStore

/// `compact [--keep-days N]`: trims this replica's local records, the op record behind `log` and
/// the conflict history, to a window of days (``SyncStore/ReplicaStore/trimHistory(keepDays:nowMilliseconds:)``).
/// `--keep-days` sets the window for later trims too (each `sync` trims to it); without it the
/// replica's window applies (90 days until set). Bad window: exit 1, nothing changed.
struct CompactCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "compact",
        abstract: "Trim the op record (plansync log) and the conflict history to a window of days.",
        discussion: """
            The merged data, unsent edits and open conflicts are not touched. Every sync trims to the \
            window as well; it is \(ReplicaStore.defaultHistoryDays) days until --keep-days sets another.
            """)

    @OptionGroup var replica: ReplicaOptions

    @Option(help: ArgumentHelp("Keep the last N days (0 to \(ReplicaStore.maxHistoryDays)); also kept for later syncs.", valueName: "N"))
    var keepDays: Int?

    func run() throws {
        let store = try ReplicaAccess.open(replica)
        let trim = try store.trimHistory(keepDays: keepDays)
        Console.out("kept the last \(trim.reach.keepDays) day\(trim.reach.keepDays == 1 ? "" : "s"): dropped \(trim.opsDropped) op\(trim.opsDropped == 1 ? "" : "s") "
            + "from the op record and \(trim.conflictEntriesDropped) conflict history entr\(trim.conflictEntriesDropped == 1 ? "y" : "ies"); "
            + HistoryText.reach(trim.reach))
    }
}

/// How far back the local records reach, as `compact` and `status` say it.
enum HistoryText {
    /// `op record since 2026-11-02 09:12:45 UTC, conflict history since … (kept 90 days)`.
    static func reach(_ reach: HistoryReach) -> String {
        "op record " + since(reach.opRecordSince) + ", conflict history " + since(reach.conflictHistorySince)
            + " (kept \(reach.keepDays) day\(reach.keepDays == 1 ? "" : "s"))"
    }

    private static func since(_ milliseconds: UInt64?) -> String {
        milliseconds.map { "since " + TimeText.utc(milliseconds: $0) } ?? "empty"
    }
}
