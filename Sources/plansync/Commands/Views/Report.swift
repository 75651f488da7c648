import ArgumentParser
import Foundation
import PlanningViews
import SyncStore

/// `report --html FILE`: the goal tree, project health, budget chart and open conflicts as one
/// self-contained HTML page, readable offline.
struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "report", abstract: "Write the planning report as one self-contained HTML file.")

    @OptionGroup var replica: ReplicaOptions
    @OptionGroup var today: TodayOption
    @Option(help: ArgumentHelp("The HTML file to write (replaced if it exists).", valueName: "file"))
    var html: String

    func run() throws {
        let day = try today.day()
        let store = try ReplicaAccess.open(replica)
        try Self.write(Self.page(store: store, today: day), to: html)
        Console.out("wrote \(html)")
    }

    /// Writes `page` to `path` atomically: a failure leaves nothing behind.
    static func write(_ page: String, to path: String) throws {
        do {
            try Data(page.utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw CLIError.user("cannot write \(QuotedInput.short(path)): \((error as NSError).localizedDescription)")
        }
    }

    /// The page for the replica's data on `today`.
    static func page(store: ReplicaStore, today: CalendarDay) throws -> String {
        let snapshot = try PlanningSnapshot.load(from: store)
        let department = try store.status().department
        return ReportPage.html(title: "PlanSync report — \(department)", today: today, tree: GoalTree.build(from: snapshot),
                               health: ProjectHealth.all(in: snapshot, today: today),
                               conflicts: ConflictItem.of(snapshot.conflicts, in: snapshot))
    }
}
