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
    public let id: String
    public let title: String
    /// `cross_department`, `project`, `review`, `training`, or nil.
    public let kind: String?
    /// `meetings.scheduled_at` as written (RFC 3339), nil when unset.
    public let scheduledAt: String?
    public let organizer: Reference?
    public let project: Reference?
    /// `meetings.attendees` in byte order.
    public let attendees: [String]
}

/// An action item decided in a meeting.
public struct ActionItem: Sendable {
    public let id: String
    public let title: String
    /// `open` or `done` (nil when unset).
    public let status: String?
    /// `action_items.due` as written, nil when unset.
    public let due: String?
    /// Days past `due` on the agenda's day, nil when not overdue.
    public let daysOverdue: Int?
    public let owner: Reference?
    public let meeting: Reference?
}

/// Overdue action items of one owner department (nil: no owner).
public struct DepartmentActions: Sendable {
    public let department: Reference?
    /// Most overdue first.
    public let items: [ActionItem]
}

/// A need another department has of planning.
public struct NeedItem: Sendable {
    public let id: String
    public let title: String
    /// `low`, `medium`, `high`, or nil.
    public let priority: String?
    /// `open`, `acknowledged`, `planned`, or nil.
    public let status: String?
    public let from: Reference?
}
