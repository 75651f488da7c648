import SyncModel
import SyncStore

extension GoalTree {
    /// The alignment tree of the live goals in `snapshot`.
    ///
    /// With `department` (a department's row id), only goals on a path through one of that
    /// department's goals are kept (their ancestors for context, their descendants), and only that
    /// department's projects without a goal.
    public static func build(from snapshot: PlanningSnapshot, department: String? = nil) -> GoalTree {
        let links = GoalLinks(snapshot)
        let projects = snapshot.live("projects")
        var projectsByGoal: [ExactText: [ProjectProgress]] = [:]
        var withoutGoal: [(RowView, ProjectProgress)] = []
        for project in projects {
            let progress = ProjectProgress.of(project, in: snapshot)
            if let goal = project.text("goal"), links.goals[ExactText(goal)] != nil {
                projectsByGoal[ExactText(goal), default: []].append(progress)
            } else {
                withoutGoal.append((project, progress))
            }
        }
        let keep = department.map { kept(links, department: $0) }
        if let department { withoutGoal = withoutGoal.filter { $0.0.has("owner_department", department) } }

        var flags: [GoalFlag] = []
        var placed = Set<ExactText>()
        func node(_ goal: RowView) -> GoalNode {
            let key = ExactText(goal.id)
            placed.insert(key)
            let children = (links.children[key] ?? []).filter { !placed.contains(ExactText($0.id)) && keep?.contains(ExactText($0.id)) != false }
            var kinds: [GoalFlag.Kind] = []
            func raise(_ kind: GoalFlag.Kind, _ related: [String]) {
                kinds.append(kind)
                flags.append(GoalFlag(kind: kind, collection: "goals", id: goal.id, title: goal.text("title") ?? "", related: related))
            }
            if links.dangling.contains(key) { raise(.danglingParent, [goal.text("parent") ?? ""]) }
            if goal.has("level", "department"), links.parent[key] == nil { raise(.orphan, []) }
            if let cycle = links.cycles.first(where: { $0.contains(key) }) {
                raise(.cycle, cycle.filter { $0 != key }.map { $0.string })
            }
            if let due = goal.day("due") {
                let later = (links.children[key] ?? []).filter { child in child.day("due").map { due < $0 } ?? false }
                if !later.isEmpty { raise(.dueBeforeChild, later.map(\.id)) }
            }
            // Children are built after this goal's flags so that flags read in tree order.
            let childNodes = children.map { child -> GoalNode? in placed.contains(ExactText(child.id)) ? nil : node(child) }.compactMap { $0 }
            return GoalNode(id: goal.id, title: goal.text("title") ?? "", level: goal.text("level"), status: goal.text("status"),
                            department: snapshot.reference(goal, "department"), due: goal.text("due"), metric: goal.text("metric"),
                            target: goal.text("target"), flags: kinds,
                            projects: (projectsByGoal[key] ?? []).sorted(by: ProjectProgress.ordered), children: childNodes)
        }

        let entryGoals = links.goals.values.filter { links.parent[ExactText($0.id)] == nil }
            + links.cycles.compactMap { links.goals[$0[0]] }
        var roots: [GoalNode] = []
        for goal in entryGoals.sorted(by: GoalLinks.ordered) where keep?.contains(ExactText(goal.id)) != false && !placed.contains(ExactText(goal.id)) {
            roots.append(node(goal))
        }
        let loose = withoutGoal.sorted { ProjectProgress.ordered($0.1, $1.1) }
        for (project, progress) in loose {
            flags.append(GoalFlag(kind: .noGoal, collection: "projects", id: project.id, title: progress.name,
                                  related: project.text("goal").map { [$0] } ?? []))
        }
        let reference = department.map { Reference.resolve(collection: "departments", id: $0, target: snapshot.row("departments", $0)) }
        return GoalTree(roots: roots, projectsWithoutGoal: loose.map(\.1), flags: flags, department: reference)
    }

    /// Goals on a path through one of `department`'s goals: those goals, their ancestors and
    /// their descendants.
    private static func kept(_ links: GoalLinks, department: String) -> Set<ExactText> {
        let own = links.goals.values.filter { $0.has("department", department) }.map { ExactText($0.id) }
        var keep = Set<ExactText>()
        for goal in own {
            var current: ExactText? = goal
            while let g = current, keep.insert(g).inserted { current = links.parent[g] }
        }
        var seen = Set(own), queue = own
        while let g = queue.popLast() {
            for child in links.children[g] ?? [] where seen.insert(ExactText(child.id)).inserted { queue.append(ExactText(child.id)) }
        }
        keep.formUnion(seen)
        return keep
    }
}
