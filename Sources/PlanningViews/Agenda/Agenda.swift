import SyncStore

/// The agenda of a meeting (`plansync agenda`): what the departments must talk about, on a day.
///
/// For a meeting of kind `project` with a project, problems and conflicts are that project's;
/// for any other meeting (a cross-department one) they are the whole company's.
public struct Agenda: Sendable {
    /// The meeting the agenda is for.
    public let meeting: MeetingItem
    /// Problems with status `open` or `mitigating`, most severe first.
    public let openProblems: [ProblemItem]
    /// Action items (of any meeting) not done whose `due` is before today, by owner department.
    public let overdueActionItems: [DepartmentActions]
    /// Needs whose status is not `done`, highest priority first.
    public let openNeeds: [NeedItem]
    /// Open conflicts waiting for a decision.
    public let conflicts: [ConflictItem]
    /// The latest meeting of the same kind scheduled before this one, nil when none.
    public let previousMeeting: MeetingItem?
    /// That meeting's action items (open ones first, then by due day).
    public let previousActionItems: [ActionItem]
}

/// A meeting row.
public struct MeetingItem: Sendable {
    /// The row id.
    public let id: String
    /// The row's `title` (empty when unset).
    public let title: String
    /// `cross_department`, `project`, `review`, `training`, or nil.
    public let kind: String?
    /// `meetings.scheduled_at` as written (RFC 3339), nil when unset.
    public let scheduledAt: String?
    /// `meetings.organizer`, nil when unset.
    public let organizer: Reference?
    /// The `project` it belongs to, nil when unset.
    public let project: Reference?
    /// `meetings.attendees` in byte order.
    public let attendees: [String]
}

/// An action item decided in a meeting.
public struct ActionItem: Sendable {
    /// The row id.
    public let id: String
    /// The row's `title` (empty when unset).
    public let title: String
    /// `open` or `done` (nil when unset).
    public let status: String?
    /// `action_items.due` as written, nil when unset.
    public let due: String?
    /// Days past `due` on the agenda's day, nil when not overdue.
    public let daysOverdue: Int?
    /// `owner_department`, nil when unset.
    public let owner: Reference?
    /// `action_items.meeting`, nil when unset.
    public let meeting: Reference?
}

/// Overdue action items of one owner department (nil: no owner).
public struct DepartmentActions: Sendable {
    /// The department, nil when unset (or for the group of rows without one).
    public let department: Reference?
    /// Most overdue first.
    public let items: [ActionItem]
}

/// A need another department has of planning.
public struct NeedItem: Sendable {
    /// The row id.
    public let id: String
    /// The row's `title` (empty when unset).
    public let title: String
    /// `low`, `medium`, `high`, or nil.
    public let priority: String?
    /// `open`, `acknowledged`, `planned`, or nil.
    public let status: String?
    /// `needs.from_department`, nil when unset.
    public let from: Reference?
}
