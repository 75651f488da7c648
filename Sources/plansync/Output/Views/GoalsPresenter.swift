import PlanningViews

/// `plansync goals`: the alignment tree as indented text and as JSON.
enum GoalsPresenter {
    /// `{"department": ref|null, "goals": [node…], "projects_without_goal": [project…], "flags": [flag…]}`;
    /// node `{"id","title","level","status","department","due","metric","target","flags":[kind…],"projects":[…],"children":[node…]}`,
    /// project `{"id","name","status","tasks_done","tasks_total","percent_done"}`,
    /// flag `{"kind","collection","id","title","related":[id…]}` with kind `orphan`,
    /// `dangling_parent`, `due_before_child`, `cycle` or `no_goal`. A goal deeper than
    /// ``GoalTree/nestingLimit`` is listed flat among the children of its ancestor there, and its
    /// node also has `"parent"` (id) and `"depth"`.
    static func json(_ tree: GoalTree) -> JSON {
        .object([
            "department": ReferenceText.json(tree.department),
            "goals": .array(tree.roots.map(json)),
            "projects_without_goal": .array(tree.projectsWithoutGoal.map(json)),
            "flags": .array(tree.flags.map { flag in
                .object(["kind": .string(flag.kind.rawValue), "collection": .string(flag.collection), "id": .string(flag.id),
                         "title": .string(flag.title), "related": .array(flag.related.map(JSON.string))])
            }),
        ])
    }

    /// Recurses once per level of the tree, which nests at most ``GoalTree/nestingLimit`` + 1 deep.
    static func json(_ node: GoalNode) -> JSON {
        var members: [String: JSON] = [
            "id": .string(node.id), "title": .string(node.title), "level": .text(node.level), "status": .text(node.status),
            "department": ReferenceText.json(node.department), "due": .text(node.due), "metric": .text(node.metric),
            "target": .text(node.target), "flags": .array(node.flags.map { .string($0.rawValue) }),
            "projects": .array(node.projects.map(json)), "children": .array(node.children.map(json)),
        ]
        if node.isListedFlat {
            members["parent"] = .text(node.parent)
            members["depth"] = .number(node.depth)
        }
        return .object(members)
    }

    static func json(_ p: ProjectProgress) -> JSON {
        .object(["id": .string(p.id), "name": .string(p.name), "status": .text(p.status), "tasks_done": .number(p.tasksDone),
                 "tasks_total": .number(p.tasksTotal), "percent_done": .number(p.percentDone)])
    }

    /// The tree, one goal per line indented by depth, projects under their goal, then the flags.
    /// Goals deeper than ``GoalTree/nestingLimit`` are not indented further but listed flat, each
    /// with ``flatPlacement(_:)``: the text grows with the number of goals, not with their depth.
    static func text(_ tree: GoalTree) -> String {
        var lines: [String] = []
        if let department = tree.department { lines.append("Goals of \(ReferenceText.display(department)) and what they align with") }
        if tree.roots.isEmpty { lines.append("no goals" + (tree.department == nil ? " yet: plansync put goals title=… level=company" : "")) }
        for root in tree.roots { self.lines(root, level: 0, into: &lines) }
        if !tree.projectsWithoutGoal.isEmpty {
            lines.append("")
            lines.append("Projects without a goal:")
            lines += tree.projectsWithoutGoal.map { "  ▸ " + project($0) }
        }
        if !tree.flags.isEmpty {
            lines.append("")
            lines.append("Flags:")
            var table = Table(headers: ["FLAG", "ROW", "WHAT"])
            table.uncut = []
            table.maxCellWidth = 60
            for flag in tree.flags { table.append([flag.kind.rawValue, TextCell.oneLine(flag.title.isEmpty ? flag.id : flag.title), explanation(flag)]) }
            lines += table.render().split(separator: "\n").map { "  " + $0 }
        }
        return lines.joined(separator: "\n")
    }

    /// Recurses once per level of the tree, which nests at most ``GoalTree/nestingLimit`` + 1 deep.
    private static func lines(_ node: GoalNode, level: Int, into out: inout [String]) {
        let pad = String(repeating: "    ", count: level)
        var facts = [node.level ?? "level unset"]
        if let department = node.department { facts.append(ReferenceText.display(department)) }
        facts.append(statusText(node.status))
        if let due = node.due { facts.append("due \(due)") }
        if let target = node.target { facts.append("target \(TextCell.oneLine(target))") }
        if let placement = flatPlacement(node) { facts.append(placement) }
        var line = pad + (level == 0 ? "● " : "└ ") + TextCell.oneLine(node.title) + "  [" + facts.joined(separator: " · ") + "]"
        if !node.flags.isEmpty { line += "  ⚠ " + node.flags.map(\.rawValue).joined(separator: ", ") }
        out.append(line)
        out += node.projects.map { pad + "    ▸ " + project($0) }
        for child in node.children { lines(child, level: level + 1, into: &out) }
    }

    /// Where a goal listed flat (``GoalNode/isListedFlat``) really hangs, e.g. `depth 40 under ID`;
    /// nil for the others, whose place the tree shows.
    static func flatPlacement(_ node: GoalNode) -> String? {
        node.isListedFlat ? "depth \(node.depth) under \(node.parent ?? "")" : nil
    }

    private static func statusText(_ status: String?) -> String {
        switch status {
        case "achieved"?: return "✓ achieved"
        case "dropped"?: return "✗ dropped"
        case let s?: return s
        case nil: return "status unset"
        }
    }

    private static func project(_ p: ProjectProgress) -> String {
        let done = p.percentDone.map { "tasks \(p.tasksDone)/\(p.tasksTotal) done (\($0)%)" } ?? "no tasks"
        return "\(TextCell.oneLine(p.name))  \(p.status ?? "status unset")  \(done)"
    }

    private static func explanation(_ flag: GoalFlag) -> String {
        switch flag.kind {
        case .orphan: return "a department goal with no company goal above it"
        case .danglingParent: return "its parent \(flag.related.first ?? "") is deleted or missing"
        case .dueBeforeChild: return "due before \(flag.related.count) of its child goals"
        case .cycle: return flag.related.isEmpty ? "it is its own parent" : "its parent chain comes back to it (\(flag.related.count + 1) goals in the cycle)"
        case .noGoal: return flag.related.isEmpty ? "a project with no goal" : "its goal \(flag.related[0]) is deleted or missing"
        }
    }
}
