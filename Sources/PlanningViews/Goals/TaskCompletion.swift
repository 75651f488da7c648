import SyncModel
import SyncStore

extension ProjectProgress {
    /// The project row with the completion of its live tasks in `snapshot`.
    static func of(_ project: RowView, in snapshot: PlanningSnapshot) -> ProjectProgress {
        let tasks = snapshot.live("tasks", where: "project", is: project.id)
        return ProjectProgress(id: project.id, name: project.text("name") ?? "", status: project.text("status"),
                               tasksDone: tasks.filter { $0.has("status", "done") }.count, tasksTotal: tasks.count)
    }

    /// Name (bytes), then id.
    static func ordered(_ a: ProjectProgress, _ b: ProjectProgress) -> Bool {
        ExactText.equal(a.name, b.name) ? ExactText.less(a.id, b.id) : ExactText.less(a.name, b.name)
    }
}
