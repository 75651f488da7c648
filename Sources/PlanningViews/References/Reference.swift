import SyncModel
import SyncStore

/// A `ref` field's value as people read it: the referenced row's name or title beside its id,
/// and whether that row is live, deleted or missing (a dangling reference, DESIGN.md "Data model").
public struct Reference: Hashable, Sendable {
    /// Whether the referenced row can be read.
    public enum State: String, Hashable, Sendable {
        /// The row exists and is not deleted.
        case live
        /// The row exists but its `_deleted` winner is true: a dangling reference.
        case deleted
        /// No op has made the row on this replica (yet): a dangling reference.
        case missing
    }

    /// The referenced collection.
    public let collection: String
    /// The row id the field holds.
    public let id: String
    /// The referenced row's name or title (see ``RowLabel``); nil when missing or unnamed.
    public let name: String?
    /// Live, deleted or missing.
    public let state: State

    /// A reference with the given parts (``resolve(collection:id:target:)`` makes them from a row).
    public init(collection: String, id: String, name: String?, state: State) {
        self.collection = collection
        self.id = id
        self.name = name
        self.state = state
    }

    /// Whether the reference dangles (the row is deleted or missing).
    public var isDangling: Bool { state != .live }

    /// The reference to `id` in `collection` given the row found there (nil when none).
    public static func resolve(collection: String, id: String, target: RowView?) -> Reference {
        guard let target else { return Reference(collection: collection, id: id, name: nil, state: .missing) }
        return Reference(collection: collection, id: id, name: RowLabel.of(target), state: target.deleted ? .deleted : .live)
    }

    /// Every `ref` field of `row` that holds an id, resolved through `lookup` (collection, id → row).
    /// Keys are field names.
    public static func all(of row: RowView, schema: CollectionSchema,
                           lookup: (String, String) throws -> RowView?) rethrows -> [String: Reference] {
        var out: [String: Reference] = [:]
        for field in schema.fields {
            guard case .ref(let collection) = field.kind, let id = row.text(field.name) else { continue }
            out[field.name] = resolve(collection: collection, id: id, target: try lookup(collection, id))
        }
        return out
    }
}
