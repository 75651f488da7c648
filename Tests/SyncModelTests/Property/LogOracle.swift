import SyncModel

/// Where a field lives; texts compare by UTF-8 bytes, as the merge rules do.
struct FieldKey: Hashable, Comparable, CustomStringConvertible {
    let collection: ExactText
    let row: ExactText
    let field: ExactText

    init(collection: String, row: String, field: String) {
        self.collection = ExactText(collection)
        self.row = ExactText(row)
        self.field = ExactText(field)
    }

    static func < (a: FieldKey, b: FieldKey) -> Bool {
        (a.collection, a.row, a.field) < (b.collection, b.row, b.field)
    }

    var description: String { "\(collection)/\(row).\(field)" }
}

/// What an open conflict is, without display details: kind, place and the unseen edits.
struct ConflictShape: Hashable, Comparable, CustomStringConvertible {
    let kind: String
    let key: FieldKey
    let edits: [Dot]

    init(_ c: Conflict) {
        kind = c.kind.rawValue
        key = FieldKey(collection: c.collection, row: c.row, field: c.field)
        edits = c.edits
    }

    init(kind: String, key: FieldKey, edits: [Dot]) {
        self.kind = kind
        self.key = key
        self.edits = edits
    }

    static func < (a: ConflictShape, b: ConflictShape) -> Bool {
        (a.key, a.kind, a.edits.description) < (b.key, b.kind, b.edits.description)
    }

    var description: String { "\(kind) \(key) \(edits)" }
}

/// The merge rules of DESIGN.md computed directly from a whole log, without applying ops one by one:
/// - register siblings = the field's `set` dots − every dot any op names in `replaces`;
/// - counter = the sum of the field's `inc` deltas;
/// - set elements = elements with an `add` dot no `remove` names;
/// - winner = the sibling with the greatest (hlc, node);
/// - open conflicts = registers with two or more siblings, and deleted rows (winner of `_deleted`
///   is true) whose `row_vv` has a seq above the winner's `context`.
struct LogOracle {
    var registers: [FieldKey: Set<Dot>] = [:]
    var winners: [FieldKey: Value] = [:]
    var counters: [FieldKey: Int64] = [:]
    var sets: [FieldKey: Set<ExactText>] = [:]
    var conflicts: Set<ConflictShape> = []

    init(log: [Op]) {
        let byDot = Dictionary(uniqueKeysWithValues: log.map { ($0.dot, $0) })
        var named: Set<Dot> = []
        for op in log { named.formUnion(op.replaces); named.formUnion(op.removes) }

        var adds: [FieldKey: [ExactText: Set<Dot>]] = [:]
        var rowVV: [FieldKey: VersionVector] = [:]   // keyed by row, field ""
        for op in log {
            let key = FieldKey(collection: op.collection, row: op.row, field: op.field)
            if op.field != Op.deletedField {
                rowVV[FieldKey(collection: op.collection, row: op.row, field: ""), default: VersionVector()].observe(op.dot)
            }
            switch op.kind {
            case .set: registers[key, default: []].insert(op.dot)
            case .inc: counters[key, default: 0] &+= op.delta ?? 0
            case .add: adds[key, default: [:]][ExactText(op.element ?? ""), default: []].insert(op.dot)
            case .remove: if adds[key] == nil { adds[key] = [:] }
            }
        }
        for (key, dots) in registers {
            let live = dots.subtracting(named)
            registers[key] = live
            let winner = live.map { byDot[$0]! }.max { ($0.hlc, ExactText($0.node), $0.seq) < ($1.hlc, ExactText($1.node), $1.seq) }
            winners[key] = winner?.value ?? .null
            if live.count > 1 { conflicts.insert(ConflictShape(kind: "register", key: key, edits: [])) }
            if key.field == ExactText(Op.deletedField), let w = winner, w.value == .bool(true) {
                let vv = rowVV[FieldKey(collection: key.collection.string, row: key.row.string, field: "")] ?? VersionVector()
                let context = w.context ?? VersionVector()
                let edits = vv.sorted.filter { $0.seq > context[$0.node] }.map { Dot(node: $0.node, seq: $0.seq) }
                if !edits.isEmpty { conflicts.insert(ConflictShape(kind: "edit_on_deleted", key: key, edits: edits)) }
            }
        }
        for (key, elements) in adds {
            sets[key] = Set(elements.filter { !$0.value.subtracting(named).isEmpty }.keys)
        }
    }

    /// The same maps read from a replica's state, to compare with the oracle's.
    static func observed(_ state: ReplicaState) -> LogOracle {
        var o = LogOracle(log: [])
        for (collection, table) in state.rows {
            for (id, row) in table {
                let deletedKey = FieldKey(collection: collection, row: id.string, field: Op.deletedField)
                if !row.deleted.siblings.isEmpty {
                    o.registers[deletedKey] = Set(row.deleted.dots)
                    o.winners[deletedKey] = row.deleted.value
                }
                for (name, field) in row.fields {
                    let key = FieldKey(collection: collection, row: id.string, field: name)
                    switch field {
                    case .register(let r):
                        o.registers[key] = Set(r.dots)
                        o.winners[key] = r.value
                    case .counter(let c): o.counters[key] = c.value
                    case .set(let s): o.sets[key] = Set(s.elements.map { ExactText($0) })
                    }
                }
            }
        }
        o.conflicts = Set(state.openConflicts().map(ConflictShape.init))
        return o
    }

    /// Differences from `other`, one line each, at most `limit`.
    func differences(from other: LogOracle, limit: Int = 8) -> [String] {
        var out: [String] = []
        func compare<V: Equatable>(_ name: String, _ a: [FieldKey: V], _ b: [FieldKey: V]) {
            for key in Set(a.keys).union(b.keys).sorted() where a[key] != b[key] {
                out.append("\(name) \(key): expected \(a[key].map { "\($0)" } ?? "nothing"), replica has \(b[key].map { "\($0)" } ?? "nothing")")
            }
        }
        compare("register siblings", registers.mapValues { $0.sorted() }, other.registers.mapValues { $0.sorted() })
        compare("register winner", winners.mapValues(\.jsonText), other.winners.mapValues(\.jsonText))
        compare("counter", counters, other.counters)
        compare("set", sets.mapValues { $0.sorted() }, other.sets.mapValues { $0.sorted() })
        for c in conflicts.subtracting(other.conflicts).sorted() { out.append("missing conflict \(c)") }
        for c in other.conflicts.subtracting(conflicts).sorted() { out.append("unexpected conflict \(c)") }
        return Array(out.prefix(limit))
    }
}
