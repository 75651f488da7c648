import GRDB
import SyncModel

/// The field states a transaction touches, in SyncModel types: each is loaded from the metadata
/// tables at most once, changed in memory by the model's functions, and written back as a
/// difference (siblings dropped and added, counter value, set tags) when the transaction finishes.
///
/// Rows that did not exist before the transaction (no row in their readable table, which every
/// applied op creates) start empty without any read, so a new row's ops cost no lookups.
struct FieldCache {
    struct Key: Hashable {
        let row: RowKey
        let field: String
    }

    private struct Slot {
        /// The state as stored when the transaction began, nil when absent.
        let initial: FieldState?
        var current: FieldState
    }

    private var slots: [Key: Slot] = [:]
    /// Keys in first-touched order, so the writes are deterministic.
    private var order: [Key] = []
    /// Whether each touched row existed before the transaction.
    private var existed: [RowKey: Bool] = [:]
    /// `SELECT 1 FROM <table> WHERE id = ?` per collection.
    private var lookups: [String: RawStatement] = [:]

    /// Whether the row existed before this transaction (one lookup per row per transaction).
    mutating func rowExisted(_ key: RowKey, _ db: Database, _ table: CollectionLayout) throws -> Bool {
        if let known = existed[key] { return known }
        let lookup: RawStatement
        if let known = lookups[key.collection] {
            lookup = known
        } else {
            lookup = try RawStatement(db, "SELECT 1 FROM \(table.table) WHERE id = ?")
            lookups[key.collection] = lookup
        }
        try lookup.bind(1, key.row)
        let found = try lookup.step()
        lookup.reset()
        existed[key] = found
        return found
    }

    /// The field's current state; empty of `family` when it has had no op.
    mutating func state(_ key: Key, family: CRDTFamily, _ db: Database, _ table: CollectionLayout) throws -> FieldState {
        if let slot = slots[key] { return slot.current }
        var initial: FieldState?
        if try rowExisted(key.row, db, table) {
            let store = FieldStore(db: db)
            let c = key.row.collection, r = key.row.row, f = key.field
            switch family {
            case .register:
                let siblings = try store.siblings(c, r, f)
                initial = siblings.isEmpty ? nil : .register(MultiValueRegister(siblings: siblings))
            case .counter:
                initial = try store.counter(c, r, f).map(FieldState.counter)
            case .set:
                initial = try store.set(c, r, f)
            }
        }
        slots[key] = Slot(initial: initial, current: initial ?? FieldState(empty: family))
        order.append(key)
        return initial ?? FieldState(empty: family)
    }

    /// Replaces the field's state (after ``state(_:family:_:_:)``).
    mutating func update(_ key: Key, _ state: FieldState) {
        slots[key]?.current = state
    }

    /// Writes the differences and forgets every slot.
    mutating func flush(_ db: Database) throws {
        var store = FieldWriter(db: db)
        for key in order {
            guard let slot = slots[key] else { continue }
            let c = key.row.collection, r = key.row.row, f = key.field
            switch (slot.initial, slot.current) {
            case (let initial, .register(let now)):
                var old: [Dot: Sibling] = [:]
                if case .register(let before)? = initial { for s in before.siblings { old[s.dot] = s } }
                let kept = Set(now.siblings.map(\.dot))
                for dot in old.keys.sorted() where !kept.contains(dot) { try store.deleteSibling(c, r, f, dot) }
                for s in now.siblings where old[s.dot] == nil { try store.insertSibling(c, r, f, s) }
            case (let initial, .counter(let now)):
                if initial != .counter(now) { try store.writeCounter(c, r, f, now) }
            case (let initial, .set(let now)):
                var old: [String: Set<Dot>] = [:]
                if case .set(let before)? = initial { old = before.tags } else { try store.markSet(c, r, f) }
                for element in Set(old.keys).union(now.tags.keys).sorted() {
                    let was = old[element] ?? [], live = now.tags[element] ?? []
                    for dot in was.subtracting(live).sorted() { try store.deleteTag(c, r, f, element, dot) }
                    for dot in live.subtracting(was).sorted() { try store.insertTag(c, r, f, element, dot) }
                }
            }
        }
        slots = [:]
        order = []
        existed = [:]
        lookups = [:]
    }
}
