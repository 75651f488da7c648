import Foundation
import GRDB
import SyncModel

// MARK: - Local writes

extension ReplicaStore {
    /// Creates a row: `_deleted` = false, then one `set` per given field in schema order. Returns
    /// `id`, or a new lowercase UUID version 7 (``SyncModel/RowID``). Throws ``StoreError/rowExists(collection:id:)`` for a taken
    /// id and ``StoreError/fieldKindMismatch(path:expected:)`` for a counter or set field.
    @discardableResult
    public func create(_ collection: String, id: String? = nil, fields: [String: Value]) throws -> String {
        let table = try layout.collection(collection)
        let rowID = id ?? RowID.make(unixMilliseconds: wallClock.milliseconds())
        try validateRowID(rowID)
        let writes = try registerWrites(table, fields)
        return try write { db in
            var local = try LocalWrite(db: db, layout: layout, wallMilliseconds: wallClock.milliseconds(), notifiesObservers: observation.isObserved)
            if try StateLoader(db: db).row(collection, rowID) != nil { throw StoreError.rowExists(collection: collection, id: rowID) }
            var row = RowState()
            let create = OpBuilder.set(collection: collection, row: rowID, field: Op.deletedField, value: .bool(false), current: row, stamp: try local.stamp())
            try local.commit(create, family: .register, row: &row)
            try setFields(writes, table, rowID, &row, &local)
            try local.finish()
            return rowID
        }
    }

    /// Sets register fields of a live row, in schema order. Throws ``StoreError/rowNotFound(collection:id:)``
    /// or ``StoreError/rowDeleted(collection:id:)``.
    public func update(_ collection: String, id: String, fields: [String: Value]) throws {
        let table = try layout.collection(collection)
        let writes = try registerWrites(table, fields)
        try write { db in
            var local = try LocalWrite(db: db, layout: layout, wallMilliseconds: wallClock.milliseconds(), notifiesObservers: observation.isObserved)
            var row = try liveRow(db, collection, id)
            try setFields(writes, table, id, &row, &local)
            try local.finish()
        }
    }

    /// Adds `delta` (|delta| ≤ 2^53, in the field's unit) to a counter field of a live row.
    /// Throws ``StoreError/rowNotFound(collection:id:)`` or ``StoreError/rowDeleted(collection:id:)``,
    /// and ``StoreError/validation(_:)`` when the sum would move beyond ±2^53.
    public func increment(_ collection: String, id: String, field: String, by delta: Int64) throws {
        let f = try declaredField(of: .counter, collection, field)
        let op = { (stamp: OpBuilder.Stamp) in OpBuilder.inc(collection: collection, row: id, field: f.name, delta: delta, stamp: stamp) }
        try commitOne(collection, id, family: .counter, probing: op(ReplicaStore.probeStamp)) { row, stamp in
            // The daemon checks the log's total the same way (Admission); this replica's sum may
            // differ from it by what either has not seen yet.
            guard case .counter(let counter) = row.fields[f.name] ?? FieldState(empty: .counter) else { return op(stamp) }
            guard PNCounter.sum(counter.value, adding: delta) != nil else {
                throw StoreError.validation(ValidationError("\(collection).\(f.name): \(counter.value) + \(delta) would be beyond ±2^53"))
            }
            return op(stamp)
        }
    }

    /// Adds an element to a set field of a live row.
    public func add(_ collection: String, id: String, field: String, element: String) throws {
        let f = try declaredField(of: .set, collection, field)
        let op = { (stamp: OpBuilder.Stamp) in OpBuilder.add(collection: collection, row: id, field: f.name, element: element, stamp: stamp) }
        try commitOne(collection, id, family: .set, probing: op(ReplicaStore.probeStamp)) { _, stamp in op(stamp) }
    }

    /// Removes an element (every add of it this replica has seen) from a set field of a live row;
    /// ``StoreError/elementAbsent(path:element:)`` when the set does not hold it.
    public func remove(_ collection: String, id: String, field: String, element: String) throws {
        let f = try declaredField(of: .set, collection, field)
        // The element is checked like an add's; which add dots it removes depends on the row.
        let probeOp = OpBuilder.add(collection: collection, row: id, field: f.name, element: element, stamp: ReplicaStore.probeStamp)
        try commitOne(collection, id, family: .set, probing: probeOp) { row, stamp in
            guard let op = OpBuilder.remove(collection: collection, row: id, field: f.name, element: element, current: row, stamp: stamp) else {
                throw StoreError.elementAbsent(path: "\(collection).\(f.name)", element: element)
            }
            return op
        }
    }

    /// One op on one field of a live row: `probeOp` is checked against the schema first (a refusal
    /// writes nothing), then `make` builds the op from the row's state and the next stamp, and it
    /// is committed in one transaction.
    private func commitOne(_ collection: String, _ id: String, family: CRDTFamily, probing probeOp: Op,
                           _ make: (RowState, OpBuilder.Stamp) throws -> Op) throws {
        try probe(probeOp)
        try write { db in
            var local = try LocalWrite(db: db, layout: layout, wallMilliseconds: wallClock.milliseconds(), notifiesObservers: observation.isObserved)
            var row = try liveRow(db, collection, id)
            try local.commit(try make(row, try local.stamp()), family: family, row: &row)
            try local.finish()
        }
    }

    /// Deletes a row: `_deleted` = true with the row's `row_vv` as context. A deleted row can be
    /// deleted again only to close an open conflict on its `_deleted`.
    public func delete(_ collection: String, id: String) throws {
        try writeDeleted(collection, id, true)
    }

    /// Restores a deleted row: `_deleted` = false. Also settles a delete/restore conflict.
    public func restore(_ collection: String, id: String) throws {
        try writeDeleted(collection, id, false)
    }

    /// Closes an open conflict (its id or a unique prefix) by writing the picked or given value; the
    /// write replaces every sibling, and the discarded values go to the history.
    ///
    /// `edit_on_deleted`: `.pick(1)` (or `.value(true)`) deletes again with a context covering the
    /// edits, `.pick(2)` (or `.value(false)`) restores. A register conflict on a deleted row's field
    /// is refused until the row is restored.
    public func resolve(conflict id: String, with resolution: Resolution) throws {
        try write { db in
            let conflict = try ConflictFinder(db: db, layout: layout).find(id)
            var local = try LocalWrite(db: db, layout: layout, wallMilliseconds: wallClock.milliseconds(), notifiesObservers: observation.isObserved)
            guard var row = try StateLoader(db: db).row(conflict.collection, conflict.row) else {
                throw StoreError.noSuchConflict(id)
            }
            let value: Value
            switch (conflict.kind, resolution) {
            case (.editOnDeleted, .pick(let n)):
                guard n == 1 || n == 2 else { throw StoreError.badPick(n, count: 2) }
                value = .bool(n == 1)
            case (.register, .pick(let n)):
                guard n >= 1, n <= conflict.values.count else { throw StoreError.badPick(n, count: conflict.values.count) }
                value = conflict.values[n - 1].value
            case (_, .value(let v)):
                value = v
            }
            guard let fieldKind = layout.schema.collection(conflict.collection)?.field(conflict.field) else {
                throw StoreError.corrupt("conflict on undeclared field \(conflict.field)")
            }
            try layout.schema.validate(value, for: fieldKind, path: "\(conflict.collection).\(conflict.field)")
            if conflict.field == Op.deletedField {
                guard value != .null else { throw StoreError.validation(ValidationError("\(conflict.collection)._deleted: expected true or false")) }
            } else if row.isDeleted {
                throw StoreError.rowDeleted(collection: conflict.collection, id: conflict.row)
            }
            let op = OpBuilder.set(collection: conflict.collection, row: conflict.row, field: conflict.field, value: value, current: row, stamp: try local.stamp())
            try local.commit(op, family: .register, row: &row)
            try local.finish()
        }
    }
}

// MARK: - Helpers

extension ReplicaStore {
    /// A stamp for validating an op before the transaction; never stored.
    static let probeStamp = OpBuilder.Stamp(node: "probe", seq: 1, hlc: .zero)

    /// Checks an op built with ``probeStamp`` against the schema.
    func probe(_ op: Op) throws {
        do { try layout.schema.validateNew(op) } catch { throw StoreError.validation(error) }
    }

    func validateRowID(_ id: String) throws {
        do { try Schema.validateRowID(id) } catch { throw StoreError.validation(error) }
    }

    /// A declared field of the given family, else a clear error.
    func declaredField(of family: CRDTFamily, _ collection: String, _ name: String) throws -> FieldLayout {
        let table = try layout.collection(collection)
        guard let f = table.byName[name] else {
            if name == Op.deletedField {
                throw StoreError.fieldKindMismatch(path: "\(collection).\(name)", expected: "the row's liveness (change it with delete and restore)")
            }
            throw StoreError.validation(ValidationError("\(collection): unknown field \"\(name.prefix(80))\"; known: " + table.fields.map(\.name).joined(separator: ", ")))
        }
        guard f.family == family else { throw StoreError.fieldKindMismatch(path: "\(collection).\(name)", expected: f.kind.expectation) }
        return f
    }

    /// Validated register writes in schema order.
    func registerWrites(_ table: CollectionLayout, _ fields: [String: Value]) throws -> [(FieldLayout, Value)] {
        for name in fields.keys.sorted() { _ = try declaredField(of: .register, table.name, name) }
        var out: [(FieldLayout, Value)] = []
        for f in table.fields {
            guard let value = fields[f.name] else { continue }
            do { try layout.schema.validate(value, for: FieldSchema(f.name, f.kind), path: "\(table.name).\(f.name)") } catch {
                throw StoreError.validation(error)
            }
            out.append((f, value))
        }
        return out
    }

    func setFields(_ writes: [(FieldLayout, Value)], _ table: CollectionLayout, _ id: String, _ row: inout RowState, _ local: inout LocalWrite) throws {
        for (f, value) in writes {
            let op = OpBuilder.set(collection: table.name, row: id, field: f.name, value: value, current: row, stamp: try local.stamp())
            try local.commit(op, family: .register, row: &row)
        }
    }

    /// The row's state; throws unless it exists and is not deleted.
    func liveRow(_ db: Database, _ collection: String, _ id: String) throws -> RowState {
        guard let row = try StateLoader(db: db).row(collection, id) else { throw StoreError.rowNotFound(collection: collection, id: id) }
        guard !row.isDeleted else { throw StoreError.rowDeleted(collection: collection, id: id) }
        return row
    }

    func writeDeleted(_ collection: String, _ id: String, _ deleted: Bool) throws {
        _ = try layout.collection(collection)
        try validateRowID(id)
        try write { db in
            var local = try LocalWrite(db: db, layout: layout, wallMilliseconds: wallClock.milliseconds(), notifiesObservers: observation.isObserved)
            guard var row = try StateLoader(db: db).row(collection, id) else { throw StoreError.rowNotFound(collection: collection, id: id) }
            let openOnDeleted = Conflict.of(row: row, id: id, collection: collection).contains { $0.field == Op.deletedField }
            if row.isDeleted == deleted, !openOnDeleted {
                throw deleted ? StoreError.alreadyDeleted(collection: collection, id: id) : StoreError.notDeleted(collection: collection, id: id)
            }
            let op = OpBuilder.set(collection: collection, row: id, field: Op.deletedField, value: .bool(deleted), current: row, stamp: try local.stamp())
            try local.commit(op, family: .register, row: &row)
            try local.finish()
        }
    }
}
