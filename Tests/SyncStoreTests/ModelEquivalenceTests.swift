import Foundation
@testable import SyncStore
import SyncModel
import TestSupport
import Testing

/// Random op streams from several writers, delivered in a causal order (one server log), applied
/// both to the model (`ReplicaState`) and to the SQLite store: same state hash, same open
/// conflicts, same shown values in the readable tables.
@Suite struct ModelEquivalenceTests {
    @Test(arguments: 0..<120)
    func storeEqualsModel(seed: UInt64) throws {
        let dir = try TempDir()
        defer { dir.cleanup() }
        var sim = try Simulation(seed: seed, dir: dir)
        for _ in 0..<70 { try sim.step() }
        try sim.settle()

        var reference = ReplicaState(schema: TestSchema.schema)
        for op in sim.log { try reference.apply(op) }
        let expectedConflicts = reference.openConflicts()

        for writer in sim.writers {
            #expect(writer.state.stateHash == reference.stateHash, "seed \(seed): model writer \(writer.node) diverged")
        }
        // The store that wrote locally and pulled in batches.
        try check(sim.store, against: reference, conflicts: expectedConflicts, seed: seed, label: "writing store")
        // A store that only applies the log, in random batches, one of them twice.
        let fresh = try ReplicaStore.create(at: dir.path("fresh.sqlite"), identity: ReplicaIdentity(node: "reader", department: "r"), schema: TestSchema.schema)
        var position = 0
        while position < sim.log.count {
            let size = Int.random(in: 1...25, using: &sim.rng)
            let batch = Array(sim.log[position..<min(sim.log.count, position + size)])
            try fresh.applyRemote(batch, cursor: UInt64(position + batch.count))
            if Int.random(in: 0..<4, using: &sim.rng) == 0 { try fresh.applyRemote(batch, cursor: UInt64(position + batch.count)) }
            position += batch.count
        }
        try check(fresh, against: reference, conflicts: expectedConflicts, seed: seed, label: "reading store")
        #expect(try fresh.status().opsApplied == UInt64(sim.log.count), "seed \(seed)")
        #expect(try fresh.cursor() == UInt64(sim.log.count), "seed \(seed)")
    }

    private func check(_ store: ReplicaStore, against reference: ReplicaState, conflicts: [Conflict], seed: UInt64, label: String) throws {
        #expect(try store.stateHash() == reference.stateHash, "seed \(seed): \(label) state hash differs from the model")
        let open = try store.openConflicts()
        #expect(open.map(\.id) == conflicts.map(\.id), "seed \(seed): \(label) open conflicts differ")
        for (view, model) in zip(open, conflicts) {
            switch model.kind {
            case .register:
                #expect(view.values.map(\.dot) == model.values.map(\.dot) && view.values.map(\.value) == model.values.map(\.value),
                        "seed \(seed): \(label) conflict \(model.id) values differ")
            case .editOnDeleted:
                #expect(view.edits == model.edits && view.values.first?.dot == model.values.first?.dot && view.values.count == 2,
                        "seed \(seed): \(label) conflict \(model.id) differs")
            }
        }
        for (collection, rows) in reference.rows {
            let schema = try #require(TestSchema.schema.collection(collection))
            for (key, state) in rows {
                let id = key.string
                let shown = try #require(try store.shownColumns(collection, id: id), "seed \(seed): \(label) lacks \(collection) \(id)")
                #expect(shown[Op.deletedField] == .integer(state.isDeleted ? 1 : 0), "seed \(seed): \(label) \(collection) \(id) _deleted")
                for field in schema.fields {
                    #expect(shown[field.name] == expectedColumn(field.kind, state.fields[field.name]),
                            "seed \(seed): \(label) \(collection) \(id) \(field.name)")
                }
                let view = try #require(try store.row(collection, id: id))
                #expect(view.deleted == state.isDeleted && view.conflicts.map(\.id) == Conflict.of(row: state, id: id, collection: collection).map(\.id),
                        "seed \(seed): \(label) row view \(collection) \(id)")
            }
        }
    }

    /// What the readable table holds for a field state: winner (bool as 0/1, REAL columns as
    /// doubles), counter sum, set as a sorted JSON array; NULL for a field never written.
    private func expectedColumn(_ kind: FieldKind, _ state: FieldState?) -> Value {
        guard let state else { return .null }
        switch (kind, state.shown) {
        case (_, .bool(let b)): return .integer(b ? 1 : 0)
        case (.real, .integer(let i)): return .real(Double(i))
        case (_, let v): return v
        }
    }
}

/// Writers on a shared server log: model replicas making ops with `OpBuilder`, and one SQLite
/// store writing through its public API. Pushes append a writer's unsent ops to the log; pulls
/// apply the log after the writer's cursor.
struct Simulation {
    struct ModelWriter {
        let node: String
        var state = ReplicaState(schema: TestSchema.schema)
        var clock = HybridLogicalClock()
        var seq: UInt64 = 0
        var pending: [Op] = []
        var cursor = 0
    }

    var rng: SeededGenerator
    var log: [Op] = []
    var writers: [ModelWriter]
    let store: ReplicaStore
    var storePushed: UInt64 = 0
    var storeCursor = 0
    var time: UInt64
    var nextRow = 0

    static let names: [Value] = [.text("alpha"), .text("beta"), .text("春季"), .null] + CanonicalPairs.texts.prefix(4).map(Value.text)
    static let statuses: [Value] = [.text("planning"), .text("active"), .text("done")]
    static let channels = ["tv", "radio", "web", "短视频"] + CanonicalPairs.texts

    init(seed: UInt64, dir: TempDir) throws {
        rng = SeededGenerator(seed: seed)
        writers = [ModelWriter(node: "model-a"), ModelWriter(node: "model-b")]
        store = try ReplicaStore.create(at: dir.path("store.sqlite"), identity: ReplicaIdentity(node: "store-node", department: "sales"), schema: TestSchema.schema)
        time = IdentityRecordClock.now
    }

    mutating func step() throws {
        time += UInt64.random(in: 0...2, using: &rng)
        let who = Int.random(in: 0...writers.count, using: &rng)
        let action = Int.random(in: 0..<10, using: &rng)
        if who == writers.count {
            switch action {
            case 0: try pushStore()
            case 1, 2: try pullStore()
            default: try storeWrite()
            }
        } else {
            switch action {
            case 0: push(who)
            case 1, 2: try pull(who)
            default: try modelWrite(who)
            }
        }
    }

    /// Everyone pushes, then everyone pulls everything.
    mutating func settle() throws {
        try pushStore()
        for i in writers.indices { push(i) }
        try pullStore()
        for i in writers.indices { try pull(i) }
    }

    // MARK: Log

    private mutating func append(_ ops: [Op], department: String) {
        for var op in ops {
            op.department = department
            op.log = UInt64(log.count + 1)
            log.append(op)
        }
    }

    private mutating func push(_ i: Int) {
        append(writers[i].pending, department: writers[i].node + "-dept")
        writers[i].pending = []
    }

    private mutating func pull(_ i: Int) throws {
        while writers[i].cursor < log.count {
            try writers[i].state.apply(log[writers[i].cursor])
            writers[i].cursor += 1
        }
    }

    private mutating func pushStore() throws {
        let ops = try store.outbox(limit: 1_000).filter { $0.seq > storePushed }
        append(ops, department: "sales")
        if let last = ops.last?.seq { storePushed = last }
        if Bool.random(using: &rng) { try store.acknowledge(through: storePushed) }
    }

    private mutating func pullStore() throws {
        while storeCursor < log.count {
            let size = Int.random(in: 1...8, using: &rng)
            let batch = Array(log[storeCursor..<min(log.count, storeCursor + size)])
            try store.applyRemote(batch, cursor: UInt64(storeCursor + batch.count))
            storeCursor += batch.count
        }
    }

    // MARK: Writes

    private mutating func pick<T>(_ items: [T]) -> T { items[Int.random(in: 0..<items.count, using: &rng)] }

    private mutating func registerWrite(_ collection: String, _ rows: [String]) -> (String, Value) {
        guard collection == "projects" else { return ("name", pick(Simulation.names)) }
        switch Int.random(in: 0..<6, using: &rng) {
        case 0: return ("name", pick(Simulation.names))
        case 1: return ("status", pick(Simulation.statuses))
        case 2: return ("budget", .integer(Int64.random(in: -5...5, using: &rng)))
        case 3: return ("urgent", .bool(Bool.random(using: &rng)))
        case 4: return ("ratio", Bool.random(using: &rng) ? .real(0.25) : .integer(2))
        default: return ("owner", .text(rows.isEmpty ? "ghost" : pick(rows)))
        }
    }

    private mutating func modelWrite(_ i: Int) throws {
        var w = writers[i]
        defer { writers[i] = w }
        func nextStamp() throws -> OpBuilder.Stamp {
            w.seq += 1
            return OpBuilder.Stamp(node: w.node, seq: w.seq, hlc: try w.clock.now(wallMilliseconds: time))
        }
        func emit(_ op: Op) throws {
            try w.state.apply(op)
            w.pending.append(op)
        }
        let collection = Int.random(in: 0..<3, using: &rng) == 0 ? "departments" : "projects"
        let rows = (w.state.rows[collection] ?? [:]).keys.sorted().map(\.string)
        let departments = (w.state.rows["departments"] ?? [:]).keys.sorted().map(\.string)
        if rows.isEmpty || Int.random(in: 0..<5, using: &rng) == 0 {
            nextRow += 1
            // Some ids are canonically equivalent to ids other writers make: distinct rows, even in one batch.
            let id = Int.random(in: 0..<4, using: &rng) == 0 ? "row-" + pick(CanonicalPairs.texts) : "\(w.node)-\(nextRow)"
            try emit(OpBuilder.set(collection: collection, row: id, field: Op.deletedField, value: .bool(false), current: nil, stamp: try nextStamp()))
            return
        }
        let id = pick(rows)
        let row = w.state.row(collection, id)
        switch Int.random(in: 0..<10, using: &rng) {
        case 0:
            try emit(OpBuilder.set(collection: collection, row: id, field: Op.deletedField, value: .bool(!(row?.isDeleted ?? false)), current: row, stamp: try nextStamp()))
        case 1 where collection == "projects":
            try emit(OpBuilder.inc(collection: collection, row: id, field: "spent", delta: Int64.random(in: -3...9, using: &rng), stamp: try nextStamp()))
        case 2 where collection == "projects", 3 where collection == "projects":
            try emit(OpBuilder.add(collection: collection, row: id, field: "channels", element: pick(Simulation.channels), stamp: try nextStamp()))
        case 4 where collection == "projects":
            let element = pick(Simulation.channels)
            let s = try nextStamp()
            if let op = OpBuilder.remove(collection: collection, row: id, field: "channels", element: element, current: row, stamp: s) {
                try emit(op)
            } else {
                w.seq -= 1
            }
        default:
            let (field, value) = registerWrite(collection, departments)
            try emit(OpBuilder.set(collection: collection, row: id, field: field, value: value, current: row, stamp: try nextStamp()))
        }
    }

    private mutating func storeWrite() throws {
        let collection = Int.random(in: 0..<3, using: &rng) == 0 ? "departments" : "projects"
        let rows = try store.rows(collection, includeDeleted: true).map(\.id)
        let departments = try store.rows("departments", includeDeleted: true).map(\.id)
        do {
            if rows.isEmpty || Int.random(in: 0..<5, using: &rng) == 0 {
                nextRow += 1
                let (field, value) = registerWrite(collection, departments)
                try store.create(collection, id: "store-\(nextRow)", fields: Bool.random(using: &rng) ? [field: value] : [:])
                return
            }
            let id = pick(rows)
            switch Int.random(in: 0..<12, using: &rng) {
            case 0: try store.delete(collection, id: id)
            case 1: try store.restore(collection, id: id)
            case 2 where collection == "projects": try store.increment(collection, id: id, field: "spent", by: Int64.random(in: -3...9, using: &rng))
            case 3 where collection == "projects": try store.add(collection, id: id, field: "channels", element: pick(Simulation.channels))
            case 4 where collection == "projects": try store.remove(collection, id: id, field: "channels", element: pick(Simulation.channels))
            case 5, 6:
                let open = try store.openConflicts()
                guard !open.isEmpty else { return }
                let conflict = pick(open)
                try store.resolve(conflict: conflict.id, with: .pick(Int.random(in: 1...conflict.values.count, using: &rng)))
            default:
                let (field, value) = registerWrite(collection, departments)
                try store.update(collection, id: id, fields: [field: value])
            }
        } catch let error as StoreError {
            switch error {
            case .rowDeleted, .alreadyDeleted, .notDeleted, .elementAbsent: return  // refusals the API is meant to give
            default: throw error
            }
        }
    }
}

/// Wall-clock milliseconds, so simulated writers and the store's real clock interleave.
enum IdentityRecordClock {
    static var now: UInt64 { UInt64(Date().timeIntervalSince1970 * 1000) }
}
