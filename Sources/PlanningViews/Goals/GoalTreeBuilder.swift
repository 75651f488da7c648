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

        // Walks the tree with an explicit stack, not by recursion: a `parent` chain is as deep as
        // the data makes it (a replica can hold one thousands of goals long), and a call per level
        // overflowed the stack. Goals are visited in tree order so that flags read in tree order.
        var flags: [GoalFlag] = []
        var placed = Set<ExactText>()
        var visited: [Visit] = []
        let entryGoals = links.goals.values.filter { links.parent[ExactText($0.id)] == nil }
            + links.cycles.compactMap { links.goals[$0[0]] }
        for entry in entryGoals.sorted(by: GoalLinks.ordered) where keep?.contains(ExactText(entry.id)) != false {
            var pending = [Visit(goal: entry, depth: 0, parent: nil, flags: [])]
            while var visit = pending.popLast() {
                let goal = visit.goal, key = ExactText(goal.id)
                guard placed.insert(key).inserted else { continue }
                func raise(_ kind: GoalFlag.Kind, _ related: [String]) {
                    visit.flags.append(kind)
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
                visited.append(visit)
                let children = (links.children[key] ?? []).filter { !placed.contains(ExactText($0.id)) && keep?.contains(ExactText($0.id)) != false }
                pending += children.reversed().map { Visit(goal: $0, depth: visit.depth + 1, parent: goal.id, flags: []) }
            }
        }

        // Assembles the nodes from the last visited to the first: a node's children (at the next
        // shown level) are then the nodes waiting on top of `built`. Goals deeper than
        // `nestingLimit` all show one level below it, so they become children of their ancestor there.
        var built: [(level: Int, node: GoalNode)] = []
        for visit in visited.reversed() {
            let level = min(visit.depth, nestingLimit + 1)
            var children: [GoalNode] = []
            while let last = built.last, last.level > level { children.append(built.removeLast().node) }
            let goal = visit.goal
            built.append((level, GoalNode(id: goal.id, title: goal.text("title") ?? "", level: goal.text("level"), status: goal.text("status"),
                                          department: snapshot.reference(goal, "department"), due: goal.text("due"), metric: goal.text("metric"),
                                          target: goal.text("target"), flags: visit.flags,
                                          projects: (projectsByGoal[ExactText(goal.id)] ?? []).sorted(by: ProjectProgress.ordered),
                                          children: children, parent: visit.parent, depth: visit.depth)))
        }
        let roots = built.reversed().map(\.node)
        let loose = withoutGoal.sorted { ProjectProgress.ordered($0.1, $1.1) }
        for (project, progress) in loose {
            flags.append(GoalFlag(kind: .noGoal, collection: "projects", id: project.id, title: progress.name,
                                  related: project.text("goal").map { [$0] } ?? []))
        }
        let reference = department.map { Reference.resolve(collection: "departments", id: $0, target: snapshot.row("departments", $0)) }
        return GoalTree(roots: roots, projectsWithoutGoal: loose.map(\.1), flags: flags, department: reference)
    }

    /// A goal as the walk in ``build(from:department:)`` reaches it: where it hangs, and its flags.
    private struct Visit {
        let goal: RowView
        let depth: Int
        let parent: String?
        var flags: [GoalFlag.Kind]
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
