import SyncStore

/// Which field names a row of each planning collection for people: `departments.name`,
/// `goals.title`, `risks.description`, … (the first of the candidates that has text).
public enum RowLabel {
    /// Fields tried in order for a row of `collection`.
    public static func fields(of collection: String) -> [String] {
        switch collection {
        case "departments", "projects", "resources", "partners": return ["name"]
        case "risks": return ["description"]
        case "reports": return ["period", "summary"]
        case "trainings": return ["topic"]
        case "retrospectives": return ["summary", "lessons"]
        case "engagements": return ["scope"]
        case "allocations": return ["note"]
        case "incentives": return ["recipient", "reason"]
        default: return ["title", "name"]
        }
    }

    /// The row's label, nil when none of its label fields has text.
    public static func of(_ row: RowView) -> String? {
        for field in fields(of: row.collection) {
            if let text = row.text(field), !text.isEmpty { return text }
        }
        return nil
    }
}
