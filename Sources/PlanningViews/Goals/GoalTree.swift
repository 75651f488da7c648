import SyncStore

/// The alignment tree of `plansync goals`: company goals → department goals → project goals
/// (through `goals.parent`), the projects under each goal with their task completion, and what
/// does not line up.
public struct GoalTree: Sendable {
    /// Top-level nodes: goals without a live parent, and one entry goal per cycle; company goals
    /// first, then department and project goals, each by title (bytes).
    public let roots: [GoalNode]
    /// Live projects whose `goal` is unset or dangling (flag `no_goal`), by name.
    public let projectsWithoutGoal: [ProjectProgress]
    /// Every flag raised, in tree order, then those of projects without a goal.
    public let flags: [GoalFlag]
    /// The department the tree was narrowed to (`--department`), nil for the whole company.
    public let department: Reference?

    /// How many levels below its top-level goal the tree nests goals: the goals deeper than that
    /// are listed flat, in tree order, as the children of their ancestor at this depth (see
    /// ``GoalNode/isListedFlat``). Real plans nest a few levels; a `parent` chain in the data can
    /// be thousands of goals long, and nesting the tree (and its text, JSON and HTML) as deep made
    /// the output grow with the square of the depth and every recursive walk of it (presenting,
    /// encoding, freeing) overflow the stack.
    public static let nestingLimit = 32
}

/// One live goal in the tree.
public struct GoalNode: Sendable {
    /// The goal's row id.
    public let id: String
    /// `goals.title` (empty when unset).
    public let title: String
    /// `company`, `department`, `project`, or nil when unset.
    public let level: String?
    /// `proposed`, `active`, `achieved`, `dropped`, or nil when unset.
    public let status: String?
    /// The owning department, nil when unset.
    public let department: Reference?
    /// `goals.due` as written (`YYYY-MM-DD`), nil when unset.
    public let due: String?
    /// `goals.metric` and `goals.target`, nil when unset.
    public let metric: String?
    /// `goals.target`, nil when unset.
    public let target: String?
    /// Flags raised on this goal (`orphan`, `dangling_parent`, `due_before_child`, `cycle`).
    public let flags: [GoalFlag.Kind]
    /// Live projects whose `goal` is this goal, by name.
    public let projects: [ProjectProgress]
    /// Child goals (`parent` = this goal), ordered as the roots are; for a goal at
    /// ``GoalTree/nestingLimit``, all the goals below it in tree order, listed flat.
    public let children: [GoalNode]
    /// The id of the goal this one hangs under in the tree, nil for a top-level goal.
    public let parent: String?
    /// Levels below its top-level goal (0 for a top-level goal).
    public let depth: Int

    /// Whether the goal is deeper than ``GoalTree/nestingLimit`` and so listed flat under its
    /// ancestor at the limit rather than under its parent: shown with ``parent`` and ``depth``.
    public var isListedFlat: Bool { depth > GoalTree.nestingLimit }
}

/// A project with its task completion, as listed under its goal.
public struct ProjectProgress: Sendable {
    /// The project's row id.
    public let id: String
    /// `projects.name` (empty when unset).
    public let name: String
    /// `projects.status`, nil when unset.
    public let status: String?
    /// Live tasks of the project whose status is `done`.
    public let tasksDone: Int
    /// Live tasks of the project.
    public let tasksTotal: Int

    /// Percent of tasks done, rounded down; nil when the project has no tasks.
    public var percentDone: Int? { tasksTotal == 0 ? nil : tasksDone * 100 / tasksTotal }
}

/// Something in the alignment that a planning lead should look at.
public struct GoalFlag: Sendable {
    /// What is wrong.
    public enum Kind: String, Sendable, CaseIterable {
        /// A department goal with no live parent goal: it aligns with nothing of the company's.
        case orphan
        /// `parent` names a deleted or missing goal.
        case danglingParent = "dangling_parent"
        /// The goal is due before one of its child goals.
        case dueBeforeChild = "due_before_child"
        /// Following `parent` from this goal comes back to it.
        case cycle
        /// A live project whose `goal` is unset or dangling.
        case noGoal = "no_goal"
    }

    /// The flag.
    public let kind: Kind
    /// `goals` or `projects`.
    public let collection: String
    /// The flagged row's id.
    public let id: String
    /// Its title or name.
    public let title: String
    /// Rows involved: the later child goals (`due_before_child`), the other goals of the cycle
    /// (`cycle`), the dangling id (`dangling_parent`, and `no_goal` when the goal dangles).
    public let related: [String]
}
