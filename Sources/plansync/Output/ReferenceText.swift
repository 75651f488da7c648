import PlanningViews

/// A `ref` field's value for people and scripts: the referenced row's name, with the id beside it
/// in JSON; a dangling reference says so.
enum ReferenceText {
    /// `市场部`; `市场部 (deleted)`; `(missing 01a22b4d-…)`; the id when the row has no name.
    static func display(_ ref: Reference) -> String {
        let name = ref.name.map(TextCell.oneLine) ?? ref.id
        switch ref.state {
        case .live: return name
        case .deleted: return "\(name) (deleted)"
        case .missing: return "(missing \(ref.id))"
        }
    }

    /// ``display(_:)`` with the id: `市场部 (01a22b4d-…)`, as `get` shows it.
    static func withID(_ ref: Reference) -> String {
        switch ref.state {
        case .live where ref.name != nil: return "\(display(ref))  (\(ref.id))"
        case .deleted where ref.name != nil: return "\(TextCell.oneLine(ref.name ?? "")) (deleted row \(ref.id))"
        default: return display(ref)
        }
    }

    /// Empty for an unset reference.
    static func display(_ ref: Reference?) -> String { ref.map(display) ?? "" }

    /// `{"id","collection","name","state"}`: `name` null when missing or unnamed, `state` one of
    /// `live`, `deleted`, `missing`.
    static func json(_ ref: Reference) -> JSON {
        .object([
            "id": .string(ref.id),
            "collection": .string(ref.collection),
            "name": ref.name.map(JSON.string) ?? .null,
            "state": .string(ref.state.rawValue),
        ])
    }

    /// `null` for an unset reference.
    static func json(_ ref: Reference?) -> JSON { ref.map(json) ?? .null }
}
