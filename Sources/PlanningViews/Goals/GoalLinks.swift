import SyncModel
import SyncStore

/// The `parent` links between live goals: which goals hang under which, which parents dangle,
/// and which goals lie on a cycle.
struct GoalLinks {
    let goals: [ExactText: RowView]
    /// Live parent of each goal that has one.
    let parent: [ExactText: ExactText]
    /// Children of each goal, ordered by ``ordered(_:_:)``.
    let children: [ExactText: [RowView]]
    /// Goals whose `parent` names a deleted or missing goal.
    let dangling: Set<ExactText>
    /// Each cycle's goals, the members in byte order, cycles by their first member.
    let cycles: [[ExactText]]

    init(_ snapshot: PlanningSnapshot) {
        let live = snapshot.live("goals")
        goals = Dictionary(live.map { (ExactText($0.id), $0) }, uniquingKeysWith: { first, _ in first })
        var parent: [ExactText: ExactText] = [:], dangling = Set<ExactText>(), children: [ExactText: [RowView]] = [:]
        for goal in live {
            guard let p = goal.text("parent") else { continue }
            if goals[ExactText(p)] != nil {
                parent[ExactText(goal.id)] = ExactText(p)
                children[ExactText(p), default: []].append(goal)
            } else {
                dangling.insert(ExactText(goal.id))
            }
        }
        self.parent = parent
        self.dangling = dangling
        self.children = children.mapValues { $0.sorted(by: Self.ordered) }
        cycles = Self.findCycles(parent: parent, goals: goals.keys.sorted())
    }

    /// Each goal has at most one parent, so the cycles are found by following parents from every
    /// goal once (colouring the visited ones).
    private static func findCycles(parent: [ExactText: ExactText], goals: [ExactText]) -> [[ExactText]] {
        var done = Set<ExactText>(), cycles: [[ExactText]] = []
        for start in goals where !done.contains(start) {
            var path: [ExactText] = [], onPath: [ExactText: Int] = [:]
            var current: ExactText? = start
            while let g = current, !done.contains(g) {
                if let at = onPath[g] {
                    cycles.append(path[at...].sorted())
                    break
                }
                onPath[g] = path.count
                path.append(g)
                current = parent[g]
            }
            done.formUnion(path)
        }
        return cycles.sorted { $0[0] < $1[0] }
    }

    /// Company goals first, then department, project and unset levels; then title and id (bytes).
    static func ordered(_ a: RowView, _ b: RowView) -> Bool {
        let levels = ["company", "department", "project"]
        let la = a.text("level").flatMap { levels.firstIndex(of: $0) } ?? levels.count
        let lb = b.text("level").flatMap { levels.firstIndex(of: $0) } ?? levels.count
        if la != lb { return la < lb }
        let ta = a.text("title") ?? "", tb = b.text("title") ?? ""
        return ExactText.equal(ta, tb) ? ExactText.less(a.id, b.id) : ExactText.less(ta, tb)
    }
}
