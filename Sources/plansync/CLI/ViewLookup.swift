import PlanningViews
import SyncStore

/// Finds the project, meeting or department a view command names: by row id, or by its exact
/// name or title (UTF-8 bytes) when that names one live row. Anything else is a one-line user
/// error (exit 1) naming the command that lists the rows.
enum ViewLookup {
    static func project(_ text: String, in snapshot: PlanningSnapshot) throws -> RowView {
        try find(text, in: "projects", field: "name", snapshot: snapshot)
    }

    static func meeting(_ text: String, in snapshot: PlanningSnapshot) throws -> RowView {
        try find(text, in: "meetings", field: "title", snapshot: snapshot)
    }

    static func department(_ text: String, in snapshot: PlanningSnapshot) throws -> RowView {
        try find(text, in: "departments", field: "name", snapshot: snapshot)
    }

    private static func find(_ text: String, in collection: String, field: String, snapshot: PlanningSnapshot) throws -> RowView {
        let singular = String(collection.dropLast())
        if let row = snapshot.row(collection, text) {
            guard !row.deleted else {
                throw CLIError.user("\(singular) \(QuotedInput.short(text)) is deleted; plansync restore \(collection) \(row.id) brings it back")
            }
            return row
        }
        let named = snapshot.live(collection).filter { $0.text(field).map { $0.utf8.elementsEqual(text.utf8) } ?? false }
        guard named.count <= 1 else {
            throw CLIError.user("\(named.count) \(collection) are named \(QuotedInput.short(text)); give the id (plansync list \(collection))")
        }
        guard let row = named.first else {
            throw CLIError.user("no \(singular) \(QuotedInput.short(text)); plansync list \(collection) shows them")
        }
        return row
    }
}
