/// An open conflict: a function of the replica state, so replicas holding the same ops list the same ones.
///
/// - ``Kind/register``: a register field with two or more siblings; ``values`` are the siblings, winner first.
/// - ``Kind/editOnDeleted``: a deleted row edited by someone who had not seen the delete; ``values``
///   holds the `_deleted` winner, ``edits`` the unseen edits (latest seq per node).
///
/// The ``id`` is 12 hex digits of FNV-1a over kind, collection, row, field and the dots involved: the
/// same on every replica, and it changes when the conflict does (a new sibling arrives).
public struct Conflict: Hashable, Sendable {
    public enum Kind: String, Sendable, Codable {
        case register
        case editOnDeleted = "edit_on_deleted"
    }

    public let id: String
    public let kind: Kind
    public let collection: String
    public let row: String
    /// The field in conflict; `_deleted` for ``Kind/editOnDeleted``.
    public let field: String
    public let values: [Sibling]
    public let edits: [Dot]

    public init(kind: Kind, collection: String, row: String, field: String, values: [Sibling], edits: [Dot] = []) {
        self.kind = kind
        self.collection = collection
        self.row = row
        self.field = field
        self.values = values
        self.edits = edits
        var key = [kind.rawValue, collection, row, field].joined(separator: "\u{1F}")
        for d in values.map(\.dot).sorted() + edits { key += "\u{1F}" + d.description }
        self.id = Conflict.fnv1a(key)
    }

    /// The open conflicts of one row, register conflicts by field name, then `edit_on_deleted`.
    public static func of(row: RowState, id: String, collection: String) -> [Conflict] {
        var out: [Conflict] = []
        for name in row.fields.keys.sorted(by: ExactText.less) {
            if case .register(let r)? = row.fields[name], r.isConflict {
                out.append(Conflict(kind: .register, collection: collection, row: id, field: name, values: r.siblings))
            }
        }
        if row.deleted.isConflict {
            out.append(Conflict(kind: .register, collection: collection, row: id, field: Op.deletedField, values: row.deleted.siblings))
        }
        let edits = row.editsAfterDelete
        if !edits.isEmpty, let winner = row.deleted.winner {
            out.append(Conflict(kind: .editOnDeleted, collection: collection, row: id, field: Op.deletedField, values: [winner], edits: edits))
        }
        return out
    }

    /// 64-bit FNV-1a, first 12 hex digits. An id, not a security hash.
    static func fnv1a(_ text: String) -> String {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in text.utf8 {
            h ^= UInt64(b)
            h = h &* 0x0000_0100_0000_01b3
        }
        return String(Hex.text(h).prefix(12))
    }
}
