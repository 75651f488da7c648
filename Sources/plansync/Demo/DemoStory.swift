import Foundation
import PlanningViews
import SyncModel
import SyncStore

/// The demo's narrative, in seven short sections, on the spring campaign of ``DemoWorld``:
/// planning lays out the campaign, everyone edits offline, sync merges, the real disagreements
/// are shown with who wrote what, planning settles one, all copies agree, and planning's lead
/// reads the campaign's health and the meeting's agenda.
struct DemoStory {
    let world: DemoWorld
    /// Where to write the HTML report of the planning laptop's data at the end, nil for none.
    var html: String? = nil

    func tell() async throws {
        let started = ContinuousClock.now
        say("PlanSync demo: four departments plan the 2027 spring campaign, work offline and reconcile.")
        say("(a daemon on 127.0.0.1:\(world.port) and four replica files in \(world.folder.path), removed at the end)")
        say("(over TLS with a self-signed certificate made just now; the laptops pin its SHA-256 \(world.pin.prefix(16))…)")

        section(1, "Planning lays out the campaign")
        let plan = try DemoCampaign.layOut(on: world.laptop("planning").store)
        say("   planning-laptop enters 4 departments, 3 goals, the project \"\(DemoCampaign.projectName)\", a task, a problem, a risk,")
        say("   a need from sales, and the weekly meeting (last week's left two action items).")
        try await world.syncAll()
        say("   Everyone syncs; all four laptops now hold the same plan.")

        section(2, "Offline, everyone edits")
        var edits = Table(headers: ["WHO", "WHAT"])
        for edit in DemoCampaign.offlineEdits(plan) {
            try edit.apply(world.laptop(edit.department).store)
            edits.append([edit.department, edit.description])
        }
        indented(edits.render())

        section(3, "Back online: everyone syncs, twice round")
        try await world.syncAll()
        try await world.syncAll()
        let finance = world.laptop("finance").store
        guard let project = try finance.row("projects", id: plan.project), let collection = world.laptop("finance").store.schema.collection("projects") else {
            throw CLIError.user("demo: the project is missing after sync")
        }
        say("   The project as finance sees it now:")
        indented(RowPresenter.text(project, schema: collection, refs: try Reference.all(of: project, schema: collection) { try finance.row($0, id: $1) }))
        say("   Spending from finance and marketing adds up (¥50,000.00 + ¥12,000.00 = \(DemoCampaign.yuan(project.fields["budget_spent"]))),")
        say("   marketing's new channel and sales' removal both hold. Nothing needed a person.")
        say("")
        say("   The daemon's access rules let finance and planning alone set the planned budget:")
        do {
            try world.laptop("marketing").store.update("projects", id: plan.project, fields: ["budget_planned": .integer(90_000_000)])
            throw CLIError.user("demo: marketing's laptop accepted a write of budget_planned")
        } catch let refusal as StoreError {
            say("   $ plansync put projects … budget_planned=90000000      (on marketing-laptop)")
            say("   plansync: \(refusal)")
        }
        try finance.update("projects", id: plan.project, fields: ["budget_planned": .integer(85_000_000)])
        say("   $ plansync put projects … budget_planned=85000000      (on finance-laptop: accepted, synced below)")

        section(4, "Where people really disagree, every value is kept")
        let conflicts = try world.laptop("planning").store.openConflicts()
        say("   \(conflicts.count) open conflicts, the same on every laptop:")
        for conflict in conflicts {
            say("")
            indented(ConflictPresenter.text(conflict))
        }

        section(5, "Planning settles the end date in favour of sales' \(DemoCampaign.salesEnd)")
        let planning = world.laptop("planning").store
        guard let end = conflicts.first(where: { $0.field == "end" }),
              let pick = end.values.first(where: { $0.value == .text(DemoCampaign.salesEnd) }) else {
            throw CLIError.user("demo: the end-date conflict did not arise")
        }
        say("   $ plansync conflicts resolve \(end.id) --pick \(pick.n)")
        try planning.resolve(conflict: end.id, with: .pick(pick.n))
        try await world.syncAll()
        try await world.syncAll()
        let kept = try world.laptop("marketing").store.row("projects", id: plan.project)?.fields["end"].map(FieldText.display) ?? ""
        say("   After the next sync marketing's laptop shows end = \(kept); the discarded 2027-05-15 stays in")
        say("   plansync conflicts history, with who wrote it.")

        section(6, "Agreement")
        var hashes = Table(headers: ["COPY", "STATE HASH", "OPEN CONFLICTS"])
        var distinct = Set<String>()
        for department in DemoWorld.departments {
            let status = try world.laptop(department).store.status()
            distinct.insert(status.stateHash)
            hashes.append(["\(department)-laptop", status.stateHash, String(status.openConflicts)])
        }
        let daemonStatus = try await daemonCopy(expecting: distinct.first ?? "")
        distinct.insert(daemonStatus.stateHash)
        hashes.append(["daemon's file", daemonStatus.stateHash, String(daemonStatus.openConflicts)])
        hashes.maxCellWidth = 64
        indented(hashes.render())
        if distinct.count == 1 {
            say("   All five copies hold the same state. The remaining conflicts wait for a person: plansync conflicts.")
        } else {
            throw CLIError.user("demo: the copies did not converge (\(distinct.count) different state hashes)")
        }
        try views(plan)
        let elapsed = ContinuousClock.now - started
        say("")
        say("Done in \(elapsed.components.seconds).\(String(format: "%02d", Int(elapsed.components.attoseconds / 10_000_000_000_000_000))) s. Start your own: plansync init --node NAME --department DEPT --server HOST:PORT --token T")
    }

    /// The planning lead's views on the morning of the meeting: the campaign's health and the
    /// meeting's agenda (and the HTML report when asked for).
    private func views(_ plan: DemoCampaign.Plan) throws {
        let planning = world.laptop("planning").store
        let snapshot = try PlanningSnapshot.load(from: planning)
        let today = CalendarDay(DemoCampaign.meetingDay)!   // a constant, valid date
        section(7, "On the morning of the meeting (\(today.text)), planning's lead looks at the campaign")
        say("   $ plansync health \(plan.project)")
        if let project = snapshot.row("projects", plan.project) {
            indented(HealthPresenter.text([ProjectHealth.of(project, in: snapshot, today: today)], detailed: true))
        }
        say("")
        say("   $ plansync agenda \(plan.meeting)")
        if let meeting = snapshot.row("meetings", plan.meeting) {
            indented(AgendaPresenter.text(Agenda.of(meeting, in: snapshot, today: today)))
        }
        if let html {
            try ReportCommand.write(ReportCommand.page(store: planning, today: today), to: html)
            say("")
            say("   The same views as one page: \(html) (plansync report --html FILE)")
        }
    }

    /// The daemon's own replica, read once it has caught up with the log (it is brought up to
    /// date in the background after each commit); gives up waiting after 5 s and shows what it has.
    private func daemonCopy(expecting hash: String) async throws -> ReplicaStatus {
        let store = try ReplicaStore(opening: world.folder.appendingPathComponent("server.sqlite").path, schema: ReplicaAccess.schema)
        var status = try store.status()
        for _ in 0..<50 where status.stateHash != hash {
            try await Task.sleep(for: .milliseconds(100))
            status = try store.status()
        }
        return status
    }

    private func say(_ text: String) { Console.out(text) }

    private func section(_ n: Int, _ title: String) {
        say("")
        say("\(n). \(title)")
    }

    private func indented(_ text: String) {
        say(text.split(separator: "\n", omittingEmptySubsequences: false).map { $0.isEmpty ? "" : "   " + $0 }.joined(separator: "\n"))
    }
}
