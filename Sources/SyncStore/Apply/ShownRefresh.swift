import GRDB
import SyncModel

/// Writes again the shown value of register fields whose siblings were changed in place (new
/// HLC readings or new dots, by ``ReplicaStore/restampOutbox(serverTime:maxSkewMilliseconds:)``
/// or ``ReplicaStore/rekey(to:)``): the winner is the sibling with the greatest (hlc, node), so
/// either change can change it. Runs inside the caller's transaction.
struct ShownRefresh {
    private var rows = TouchedRows()
    private var seen: Set<FieldKey> = []

    private struct FieldKey: Hashable {
        let collection: [UInt8]
        let row: [UInt8]
        let field: [UInt8]
    }

    /// Loads the register field's stored state so ``flush(_:)`` writes its shown value.
    mutating func register(_ collection: String, _ row: String, _ field: String, layout: TableLayout, _ db: Database) throws {
        guard seen.insert(FieldKey(collection: Array(collection.utf8), row: Array(row.utf8), field: Array(field.utf8))).inserted else { return }
        guard let table = layout.collections[collection] else { throw StoreError.corrupt("no table for \(collection)") }
        let r = try rows.row(collection, row, db) { table }
        let column: Int
        if field == Op.deletedField {
            column = table.deletedIndex
        } else {
            guard let fieldLayout = table.byName[field], fieldLayout.family == .register else { return }
            column = fieldLayout.index
        }
        _ = try rows.state(row: r, column: column, field: field, family: .register, db)
    }

    /// Writes the shown values of the fields registered.
    mutating func flush(_ db: Database) throws { try rows.flush(db) }
}
