import ArgumentParser
import PlanningViews
import SyncStore

/// `agenda [MEETING | --next] [--json]`: what a meeting must cover: open problems, overdue action
/// items, open needs, conflicts to settle, and the previous meeting's action items.
struct AgendaCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "agenda", abstract: "Draw up a meeting's agenda from the open issues.")

    @OptionGroup var replica: ReplicaOptions
    @OptionGroup var today: TodayOption
    @Argument(help: "The meeting (id or title).")
    var meeting: String?
    @Flag(help: "The next cross-department meeting from today on (the default without MEETING).")
    var next = false
    @Flag(help: "Print JSON: {today, meeting, open_problems, overdue_action_items, open_needs, conflicts, previous_meeting, previous_action_items}.")
    var json = false

    func validate() throws {
        if next, meeting != nil { throw ValidationError("give a MEETING or --next, not both") }
    }

    func run() throws {
        let day = try today.day()
        let snapshot = try PlanningSnapshot.load(from: ReplicaAccess.open(replica))
        let row: RowView
        if let meeting {
            row = try ViewLookup.meeting(meeting, in: snapshot)
        } else if let found = Agenda.nextMeeting(in: snapshot, today: day) {
            row = found
        } else {
            throw CLIError.user("no cross-department meeting is scheduled from \(day.text) on; plansync list meetings shows them")
        }
        let agenda = Agenda.of(row, in: snapshot, today: day)
        Console.out(json ? AgendaPresenter.json(agenda, today: day).render() : AgendaPresenter.text(agenda))
    }
}
