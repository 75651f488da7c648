/// The canonical text of a replica's visible state; its SHA-256 is the state hash (DESIGN.md).
///
/// Rows are appended in (collection, id) byte order. One line per row, field and open conflict:
/// ```
/// R "projects" "4b1…" deleted=false
/// F "budget_spent" counter 6200000
/// F "channels" set ["短视频","社交媒体"]
/// F "end" register "2027-04-20" [marketing-laptop:9,sales-laptop:4]
/// F "_deleted" register false [planning-laptop:12]
/// X register "end" 3f2a9c01b2de
/// ```
/// Only merge state is included: no history, detection times, departments or outbox.
public struct CanonicalState: Sendable {
    public private(set) var text = ""

    public init() {}

    /// Appends one row. Call in (collection, id) byte order.
    public mutating func append(collection: String, id: String, row: RowState) {
        text += "R \(JSONText.quote(collection)) \(JSONText.quote(id)) deleted=\(row.isDeleted)\n"
        for (name, state) in ReplicaState.sorted(row.fields) {
            text += "F \(JSONText.quote(name)) "
            switch state {
            case .register(let r): text += "register " + CanonicalState.register(r)
            case .counter(let c): text += "counter \(c.value)"
            case .set(let s): text += "set [" + s.elements.map(JSONText.quote).joined(separator: ",") + "]"
            }
            text += "\n"
        }
        text += "F \(JSONText.quote(Op.deletedField)) register " + CanonicalState.register(row.deleted) + "\n"
        for conflict in Conflict.of(row: row, id: id, collection: collection) {
            text += "X \(conflict.kind.rawValue) \(JSONText.quote(conflict.field)) \(conflict.id)\n"
        }
    }

    static func register(_ r: MultiValueRegister) -> String {
        r.value.jsonText + " [" + r.dots.map(\.description).joined(separator: ",") + "]"
    }
}
