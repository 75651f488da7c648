import SyncModel
import SyncStore

/// A project's retrospective digest (`plansync review`): what went well, the problems and how
/// they were resolved, the lessons, the improvements and their status, and who changed what on
/// the project's rows lately.
public struct Review: Sendable {
    /// The project's row id, `name`, `status`, `start` and `end` (as written).
    public let id: String
    /// The row's `name` (empty when unset).
    public let name: String
    /// The row's `status` enum member, nil when unset.
    public let status: String?
    /// `start` as written (`YYYY-MM-DD`), nil when unset.
    public let start: String?
    /// `end` as written (`YYYY-MM-DD`), nil when unset.
    public let end: String?
    /// Live retrospectives of the project, by id.
    public let retrospectives: [RetrospectiveItem]
    /// Every live problem of the project: resolved first, then mitigating, then open; most
    /// severe first within each.
    public let problems: [ProblemRecord]
    /// Live improvements of the project: not done first, then by due day.
    public let improvements: [ImprovementItem]
    /// The latest changes to the project's rows from this replica's op record, newest first, at
    /// most ``changeLimit``.
    public let recentChanges: [Change]
}

/// One retrospective's texts (nil when unset).
public struct RetrospectiveItem: Sendable {
    /// The row id.
    public let id: String
    /// `retrospectives.summary`, nil when unset; so are the other texts below.
    public let summary: String?
    /// `went_well`.
    public let wentWell: String?
    /// `problems` (the retrospective's text).
    public let problems: String?
    /// `lessons`.
    public let lessons: String?
    /// `improvements` (the retrospective's text).
    public let improvements: String?
}

/// A problem with what was found and done about it.
public struct ProblemRecord: Sendable {
    /// The row id.
    public let id: String
    /// The row's `title` (empty when unset).
    public let title: String
    /// `low`, `medium` or `high`; nil when unset.
    public let severity: String?
    /// `open`, `mitigating` or `resolved`.
    public let status: String?
    /// `problems.analysis` and `problems.measures`.
    public let analysis: String?
    /// `problems.measures`: what was done about it.
    public let measures: String?
}

/// An improvement and how far it is.
public struct ImprovementItem: Sendable {
    /// The row id.
    public let id: String
    /// The row's `title` (empty when unset).
    public let title: String
    /// `proposed`, `doing` or `done`.
    public let status: String?
    /// `due` as written (`YYYY-MM-DD`), nil when unset.
    public let due: String?
    /// `owner_department`, nil when unset.
    public let owner: Reference?
}

/// Consecutive ops of one writer on one row of the project (a row made, or several fields
/// changed at once, reads as one change).
public struct Change: Sendable {
    /// The row changed, and its name or title.
    public let collection: String
    /// The row id.
    public let row: String
    /// The row's name or title, nil when it has none.
    public let rowName: String?
    /// The writer's node and department (nil when unknown).
    public let node: String
    /// The department the server stamped on the ops (nil when unknown).
    public let department: String?
    /// When the latest of its ops was written (that op's HLC).
    public let hlc: HLCTimestamp
    /// The fields written, in the order they were written.
    public let edits: [FieldEdit]
}

/// One op of a ``Change``.
public struct FieldEdit: Sendable {
    /// The field, `_deleted` for creating, deleting and restoring the row.
    public let field: String
    /// `set`, `inc`, `add` or `remove`.
    public let kind: String
    /// The op's value (set), delta (inc, an integer) or element (add/remove, text).
    public let value: Value
    /// For a `set` of a `ref` field, the row it names (by name, or deleted/missing); nil otherwise.
    public let reference: Reference?
}
