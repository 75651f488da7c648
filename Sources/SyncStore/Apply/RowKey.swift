import SyncModel

/// A row named by collection and id: equal, hashed and ordered by UTF-8 bytes (``SyncModel/ExactText``),
/// as SQLite keys rows and the canonical form orders them. Ids `"\u{212B}"` and `"\u{00C5}"`
/// name two rows even within one batch.
struct RowKey: Hashable, Comparable {
    let collection: String
    let row: String

    /// Whether this key names the row `id` of `collection`.
    func names(_ collection: String, _ id: String) -> Bool {
        ExactText.equal(row, id) && ExactText.equal(self.collection, collection)
    }

    static func == (a: RowKey, b: RowKey) -> Bool { a.names(b.collection, b.row) }

    static func < (a: RowKey, b: RowKey) -> Bool {
        !ExactText.equal(a.collection, b.collection) ? ExactText.less(a.collection, b.collection) : ExactText.less(a.row, b.row)
    }

    func hash(into hasher: inout Hasher) {
        ExactText.hash(collection, into: &hasher)
        ExactText.hash(row, into: &hasher)
    }
}
