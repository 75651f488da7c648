import TestSupport
import Foundation
import Planning
import SyncModel

/// One random schedule: 3 to 5 replicas write offline and sync through a simulated server
/// (``MemoryOpLog`` + ``Admission``), every op crossing the "wire" as JSON. At the end everyone
/// pushes and pulls everything, and ``check()`` compares the replicas with each other, with a fresh
/// replica that applies the whole log, and with ``LogOracle``.
///
/// With `compacting`, the server compacts its log at random moments (``MemoryOpLog/compact(through:schema:)``)
/// beside an uncompacted copy of the same log (``fullLog``): every push must be judged alike by
/// both (exact admission across compaction), every snapshot must equal a fresh replica of the
/// log's prefix, and a replica whose cursor fell behind the horizon bootstraps from snapshot
/// pages (records through their JSON text, a compaction sometimes replacing the snapshot mid-way),
/// pulls to the head and re-applies its unsent ops, as `plansync sync` does. At the end every
/// replica must hold what a fresh replica of the uncompacted log holds.
///
/// Everything random comes from one ``SplitMix64`` seeded with ``seed``, so a schedule replays exactly.
struct ConvergenceSimulation {
    /// Collections the schedules write: every field kind of the planning schema appears in them.
    static let collections = ["projects", "goals", "resources", "meetings", "reports"]
    static let texts = ["plan", "Plan \"B\"", "多部门协作", "line\nbreak", "", "tab\tslash\\", "社交媒体 campaign"] + equivalentTexts
    /// Canonically equivalent, byte-distinct texts (``CanonicalPairs``) in values, elements and ids.
    static let equivalentTexts = CanonicalPairs.texts
    static let reals: [Double] = [0, 2.5, 5, 100, -0.0, 0.1, 1e15, -3]
    static let dates = ["2024-02-29", "2027-04-20", "2026-12-31", "2000-02-29"]
    static let datetimes = ["2027-02-01T10:00:00Z", "2027-02-01T10:00:00+08:00", "2027-02-01T10:00:00.5-05:30"]
    static let elements = ["短视频", "社交媒体", "sales", "rnd", "a\"b"] + equivalentTexts

    let seed: UInt64
    var rng: SplitMix64
    let schema = PlanningSchema.schema
    var replicas: [SimulatedReplica]
    var log = MemoryOpLog()
    /// The same log never compacted: what the schedule is "without compaction".
    var fullLog = MemoryOpLog()
    /// Whether the server compacts at random moments.
    let compacting: Bool
    /// Every dot the server accepted, in order of acceptance.
    var acceptedDots: [Dot] = []
    /// True time in ms; replicas see it through their own drifting clocks, the server as is.
    var now: UInt64 = 1_750_000_000_000
    var stats = Stats()
    /// Filled when replaying one seed: a line per event.
    let trace: Trace?
    private let encoder = JSONEncoder()
    private let decoder = JSONDecoder()

    /// Events counted so the tests can show the schedules reach the interesting cases.
    struct Stats {
        var schedules = 0, ops = 0, pushes = 0, duplicates = 0, lostAcks = 0, redeliveries = 0
        var resolutions = 0, deletes = 0, restores = 0, removes = 0
        var finalRegisterConflicts = 0, finalEditOnDeleted = 0, deletedRegisterConflicts = 0
        /// Compactions, bootstraps (with unsent ops carried over), restarted snapshot transfers,
        /// and pushed ops that named a dot the server had compacted.
        var compactions = 0, bootstraps = 0, bootstrapsWithOutbox = 0, restartedTransfers = 0, namedCompacted = 0
        /// Canonically equivalent, byte-distinct row ids and set elements held apart at the end.
        var equivalentRows = 0, equivalentElements = 0

        mutating func add(_ o: Stats) {
            schedules += o.schedules; ops += o.ops; pushes += o.pushes; duplicates += o.duplicates
            lostAcks += o.lostAcks; redeliveries += o.redeliveries; resolutions += o.resolutions
            deletes += o.deletes; restores += o.restores; removes += o.removes
            finalRegisterConflicts += o.finalRegisterConflicts; finalEditOnDeleted += o.finalEditOnDeleted
            deletedRegisterConflicts += o.deletedRegisterConflicts
            compactions += o.compactions; bootstraps += o.bootstraps; bootstrapsWithOutbox += o.bootstrapsWithOutbox
            restartedTransfers += o.restartedTransfers; namedCompacted += o.namedCompacted
            equivalentRows += o.equivalentRows; equivalentElements += o.equivalentElements
        }
    }

    init(seed: UInt64, tracing: Bool = false, compacting: Bool = false) {
        self.seed = seed
        self.compacting = compacting
        var rng = SplitMix64(seed: seed)
        let departments = ["planning", "sales", "marketing", "rnd", "finance"]
        replicas = (0..<Int.random(in: 3...5, using: &rng)).map { i in
            SimulatedReplica(node: "\(departments[i])-laptop", department: departments[i],
                             schema: PlanningSchema.schema, clockOffset: Int64.random(in: -3_000...3_000, using: &rng))
        }
        self.rng = rng
        trace = tracing ? Trace() : nil
        stats.schedules = 1
    }

    // MARK: the schedule

    /// Runs the schedule and returns what went wrong (empty when the properties hold).
    mutating func run() -> [String] {
        do {
            let steps = Int.random(in: 15...90, using: &rng)
            // Some schedules sync often (few conflicts), some rarely (many).
            let writeShare = Double.random(in: 0.35...0.85, using: &rng)
            for _ in 0..<steps {
                now += UInt64.random(in: 0...40, using: &rng)
                let i = Int.random(in: 0..<replicas.count, using: &rng)
                driftClock(i)
                if compacting, rng.chance(0.08) {
                    try compact()
                } else if rng.chance(writeShare) {
                    try localWrite(i)
                } else if rng.chance(0.5) {
                    try push(i, everything: false)
                } else {
                    try pull(i, everything: false)
                }
            }
            for i in replicas.indices.shuffled(using: &rng) { try push(i, everything: true) }
            for i in replicas.indices.shuffled(using: &rng) { try pull(i, everything: true) }
            return check()
        } catch {
            return ["\(error)"]
        }
    }

    private func note(_ line: @autoclosure () -> String) {
        trace?.lines.append("t+\(now - 1_750_000_000_000) " + line())
    }

    /// Wall clocks drift and sometimes step backwards (NTP); the HLC must stay monotonic anyway.
    private mutating func driftClock(_ i: Int) {
        if rng.chance(0.04) {
            replicas[i].clockOffset -= Int64.random(in: 0...2_000, using: &rng)
        } else if rng.chance(0.04) {
            replicas[i].clockOffset += Int64.random(in: 0...1_500, using: &rng)
        }
        replicas[i].clockOffset = min(4_000, max(-4_000, replicas[i].clockOffset))
    }

    private mutating func wall(_ i: Int) -> UInt64 {
        replicas[i].wall(at: now, jitter: Int64.random(in: -15...15, using: &rng))
    }

    /// The op as the other side of a JSON line sees it.
    private func overTheWire(_ op: Op) throws -> Op {
        try decoder.decode(Op.self, from: encoder.encode(op))
    }

    // MARK: local writes (what `plansync put/inc/add/remove/delete/restore/conflicts resolve` do)

    private mutating func localWrite(_ i: Int) throws {
        let live = replicas[i].rows(deleted: false)
        let deleted = replicas[i].rows(deleted: true)
        let conflicts = replicas[i].state.openConflicts()
        if live.isEmpty || rng.chance(0.1) {
            try createRow(i)
        } else if !conflicts.isEmpty && rng.chance(0.3) {
            let conflict = rng.pick(conflicts)
            try resolve(i, conflict)
        } else if rng.chance(0.07) {
            let (c, id) = rng.pick(live)
            try writeDeleted(i, c, id, true)
            stats.deletes += 1
        } else if !deleted.isEmpty && rng.chance(0.1) {
            let (c, id) = rng.pick(deleted)
            try writeDeleted(i, c, id, false)
            stats.restores += 1
        } else {
            let (c, id) = rng.pick(live)
            try edit(i, c, id)
        }
    }

    private mutating func createRow(_ i: Int) throws {
        replicas[i].rowsCreated += 1
        // Some projects get ids that are canonically equivalent to other rows' ids (made here or on
        // other replicas): they are distinct rows everywhere.
        let equivalent = rng.chance(0.3)
        let c = equivalent ? "projects" : rng.pick(Self.collections)
        let id = equivalent ? "row-" + rng.pick(Self.equivalentTexts) : "\(replicas[i].department)-\(replicas[i].rowsCreated)"
        try writeDeleted(i, c, id, false)
        for _ in 0..<Int.random(in: 0...2, using: &rng) { try edit(i, c, id) }
    }

    /// A `_deleted` write: create, delete, restore, or a resolution of the row's liveness.
    private mutating func writeDeleted(_ i: Int, _ c: String, _ id: String, _ value: Bool) throws {
        let w = wall(i)
        let stamp = try replicas[i].stamp(wall: w)
        let op = OpBuilder.set(collection: c, row: id, field: Op.deletedField, value: .bool(value),
                               current: replicas[i].state.row(c, id), stamp: stamp)
        try commit(i, op)
    }

    /// A write to a random field of a live row, as the local API allows.
    private mutating func edit(_ i: Int, _ c: String, _ id: String) throws {
        let fields = schema.collection(c)!.fields
        let others = fields.filter { $0.kind.crdt != .register }   // counters and sets are few: favour them
        let field = !others.isEmpty && rng.chance(0.3) ? rng.pick(others) : rng.pick(fields)
        let row = replicas[i].state.row(c, id)
        let w = wall(i)
        let stamp = try replicas[i].stamp(wall: w)
        let op: Op
        switch field.kind.crdt {
        case .register:
            op = OpBuilder.set(collection: c, row: id, field: field.name, value: randomValue(field.kind, i),
                               current: row, stamp: stamp)
        case .counter:
            op = OpBuilder.inc(collection: c, row: id, field: field.name, delta: Int64.random(in: -50_000...90_000, using: &rng), stamp: stamp)
        case .set:
            if case .set(let s)? = row?.fields[field.name], !s.elements.isEmpty, rng.chance(0.5) {
                op = OpBuilder.remove(collection: c, row: id, field: field.name, element: rng.pick(s.elements), current: row, stamp: stamp)!
                stats.removes += 1
            } else {
                op = OpBuilder.add(collection: c, row: id, field: field.name, element: rng.pick(Self.elements), stamp: stamp)
            }
        }
        try commit(i, op)
    }

    /// Resolves a conflict the way `conflicts resolve` does: by writing the field, which replaces
    /// every sibling; `edit_on_deleted` by restoring or deleting again.
    private mutating func resolve(_ i: Int, _ conflict: Conflict) throws {
        let c = conflict.collection, id = conflict.row
        if conflict.field == Op.deletedField {
            try writeDeleted(i, c, id, rng.chance(0.5))
        } else {
            guard replicas[i].state.row(c, id)?.isDeleted == false else { return }   // "restore it first"
            let w = wall(i)
            let stamp = try replicas[i].stamp(wall: w)
            let kind = schema.collection(c)!.field(conflict.field)!.kind
            let value = rng.chance(0.7) ? rng.pick(conflict.values).value : randomValue(kind, i)
            try commit(i, OpBuilder.set(collection: c, row: id, field: conflict.field, value: value,
                                        current: replicas[i].state.row(c, id), stamp: stamp))
        }
        stats.resolutions += 1
        let still = replicas[i].state.openConflicts().filter { $0.collection == c && ExactText.equal($0.row, id) && $0.field == conflict.field }
        if !still.isEmpty {
            throw SimulationError("\(replicas[i].node) resolved \(conflict.kind.rawValue) on \(c)/\(id).\(conflict.field) but it is still open: \(still.map(\.kind))")
        }
    }

    private mutating func commit(_ i: Int, _ op: Op) throws {
        note("\(replicas[i].node) writes \(op.collection)/\(op.row).\(op.field) \(op.kind.rawValue) \(describe(op)) as \(op.dot) hlc \(op.hlc)")
        do { try replicas[i].commit(op) } catch { throw SimulationError("local write \(op.dot) refused: \(error)") }
        stats.ops += 1
    }

    private func describe(_ op: Op) -> String {
        switch op.kind {
        case .set: return "\(op.value?.jsonText ?? "-") replaces \(op.replaces)" + (op.context.map { " context \($0.text)" } ?? "")
        case .inc: return "\(op.delta ?? 0)"
        case .add: return JSONText.quote(op.element ?? "")
        case .remove: return "\(JSONText.quote(op.element ?? "")) removes \(op.removes)"
        }
    }

    private mutating func randomValue(_ kind: FieldKind, _ i: Int) -> Value {
        if rng.chance(0.05) { return .null }
        switch kind {
        case .text: return .text(rng.pick(Self.texts))
        case .integer(let range):
            let small = max(range.lowerBound, -1_000)...min(range.upperBound, 1_000_000)
            return .integer(rng.chance(0.05) ? range.upperBound : Int64.random(in: small, using: &rng))
        case .real: return .real(rng.pick(Self.reals))
        case .bool: return .bool(rng.chance(0.5))
        case .date: return .text(rng.pick(Self.dates))
        case .datetime: return .text(rng.pick(Self.datetimes))
        case .enumeration(let members): return .text(rng.pick(members))
        case .ref(let target):
            // an existing row (live or deleted) or a dangling id: refs never block sync
            let known = replicas[i].state.rows[target].map { $0.keys.sorted().map(\.string) } ?? []
            return .text(known.isEmpty || rng.chance(0.15) ? "missing-\(target)" : rng.pick(known))
        case .counter, .textSet: return .null
        }
    }

    // MARK: sync

    /// Pushes a prefix of the outbox (all of it at the end), sometimes with acknowledged ops again
    /// in front; sometimes the ack is lost so the next push repeats those ops.
    private mutating func push(_ i: Int, everything: Bool) throws {
        var batch: [Op] = []
        let acked = replicas[i].acked
        if !everything, !acked.isEmpty, rng.chance(0.15) {
            batch += acked.suffix(Int.random(in: 1...min(3, acked.count), using: &rng))
        }
        let outbox = replicas[i].outbox
        let k = everything || outbox.isEmpty ? outbox.count : Int.random(in: 1...outbox.count, using: &rng)
        batch += outbox.prefix(k)
        guard !batch.isEmpty else { return }
        let wire = try batch.map { try overTheWire($0) }
        let known = wire.filter { fullLog.storedOp($0.dot) != nil }
        let result: Admission.Result
        do {
            result = try Admission.admit(wire, pushedBy: replicas[i].node, schema: schema, log: log,
                                         wallMilliseconds: now, maxSkewMilliseconds: HybridLogicalClock.defaultMaxSkewMilliseconds)
        } catch {
            throw SimulationError("server refused a push of \(replicas[i].node) \(wire.map(\.dot)): \(error)")
        }
        guard result.duplicates == known.count,
              result.accepted.map(\.dot) == wire.filter({ fullLog.storedOp($0.dot) == nil }).map(\.dot) else {
            throw SimulationError("push of \(wire.map(\.dot)): accepted \(result.accepted.map(\.dot)), \(result.duplicates) duplicates; expected \(known.count) duplicates")
        }
        if compacting {
            // Exact admission: the uncompacted log judges the push alike.
            let uncompacted = try? Admission.admit(wire, pushedBy: replicas[i].node, schema: schema, log: fullLog,
                                                   wallMilliseconds: now, maxSkewMilliseconds: HybridLogicalClock.defaultMaxSkewMilliseconds)
            guard uncompacted == result else {
                throw SimulationError("push of \(wire.map(\.dot)): the compacted log (horizon \(log.horizon)) judged it otherwise than the whole log")
            }
            let folded = log.snapshot?.versionVector ?? VersionVector()
            stats.namedCompacted += result.accepted.count(where: { op in (op.replaces + op.removes).contains { folded.contains($0) } })
        }
        log.append(result.accepted, department: replicas[i].department)
        fullLog.append(result.accepted, department: replicas[i].department)
        acceptedDots += result.accepted.map(\.dot)
        stats.pushes += 1
        stats.duplicates += result.duplicates
        let lost = !everything && rng.chance(0.1)
        note("\(replicas[i].node) pushes \(wire.map(\.dot)): \(result.accepted.count) accepted, \(result.duplicates) duplicates\(lost ? ", ack lost" : "")")
        if lost {
            stats.lostAcks += 1
        } else {
            replicas[i].acked += outbox.prefix(k)
            replicas[i].outbox.removeFirst(k)
        }
    }

    /// Pulls from the cursor in random-sized pages (all of them at the end), applying in log order;
    /// sometimes a page arrives twice.
    private mutating func pull(_ i: Int, everything: Bool) throws {
        if replicas[i].cursor < log.horizon { try bootstrap(i) }
        var pages = everything ? Int.max : Int.random(in: 1...4, using: &rng)
        while pages > 0 {
            let page = try log.ops(since: replicas[i].cursor, limit: Int.random(in: 1...12, using: &rng)).map { try overTheWire($0) }
            guard let last = page.last?.log else { return }
            note("\(replicas[i].node) pulls \(page.map(\.dot)) (log \(page.first!.log!)...\(last))")
            try deliver(page, to: i)
            if !everything && rng.chance(0.15) {
                let before = replicas[i].state.canonicalForm()
                for op in page {
                    guard try replicas[i].state.apply(op) == .skipped else {
                        throw SimulationError("\(replicas[i].node) applied \(op.dot) twice")
                    }
                }
                guard replicas[i].state.canonicalForm() == before else {
                    throw SimulationError("\(replicas[i].node): a repeated page changed the state")
                }
                stats.redeliveries += 1
            }
            replicas[i].cursor = last
            pages -= 1
        }
    }

    private mutating func deliver(_ page: [Op], to i: Int) throws {
        for op in page {
            do {
                try replicas[i].state.apply(op)   // own ops and known dots are skipped by dot
            } catch {
                throw SimulationError("\(replicas[i].node) could not apply \(op.dot) from the log: \(error)")
            }
            if op.node != replicas[i].node {
                let w = wall(i)
                try replicas[i].clock.receive(op.hlc, wallMilliseconds: w)
            }
        }
    }

    // MARK: compaction and bootstrap

    /// The server compacts through a random position between its horizon and its head; the
    /// snapshot must equal a fresh replica of the uncompacted log up to there.
    private mutating func compact() throws {
        guard log.head > log.horizon else { return }
        let horizon = UInt64.random(in: log.horizon + 1...log.head, using: &rng)
        do { try log.compact(through: horizon, schema: schema) } catch { throw SimulationError("compaction through \(horizon): \(error)") }
        stats.compactions += 1
        note("server compacts through \(horizon)")
        var prefix = ReplicaState(schema: schema)
        for op in fullLog.ops.prefix(Int(horizon)) { try prefix.apply(op) }
        guard let snapshot = log.snapshot, snapshot.state == prefix, snapshot.versionVector == prefix.applied else {
            throw SimulationError("the snapshot through \(horizon) differs from a fresh replica of the log up to there")
        }
    }

    /// What `plansync sync` does behind the horizon: fetch the snapshot in pages (each record
    /// through its JSON text; a page asked at a horizon that moved on starts the transfer again),
    /// build the replica from it, pull to the head, then re-apply the unsent ops. Node, seq,
    /// clock, outbox and acknowledged ops are kept.
    private mutating func bootstrap(_ i: Int) throws {
        var records: [SnapshotRecord] = []
        var after: SnapshotKey?
        var horizon: UInt64?
        var vv = VersionVector()
        while true {
            guard let snapshot = log.snapshot else { throw SimulationError("a horizon without a snapshot") }
            if let h = horizon, h != snapshot.horizon {
                // snapshot_required: the snapshot moved on; start again.
                records = []; after = nil; horizon = nil
                stats.restartedTransfers += 1
                continue
            }
            let page = try SnapshotPage.of(snapshot, after: after, limit: Int.random(in: 1...8, using: &rng), maxBytes: 4_096)
            horizon = page.horizon
            vv = page.versionVector
            for json in page.records { records.append(try SnapshotRecord.decode(String(decoding: json, as: UTF8.self), schema: schema)) }
            after = page.next
            if !page.more { break }
            if rng.chance(0.1) { try compact() }
        }
        guard let horizon else { return }
        note("\(replicas[i].node) bootstraps from the snapshot at \(horizon) (\(records.count) rows), \(replicas[i].outbox.count) unsent ops")
        replicas[i].state = Snapshot.bootstrap(schema: schema, versionVector: vv, records: records)
        replicas[i].cursor = horizon
        while true {
            let page = try log.ops(since: replicas[i].cursor, limit: 50).map { try overTheWire($0) }
            guard let last = page.last?.log else { break }
            try deliver(page, to: i)
            replicas[i].cursor = last
        }
        for op in replicas[i].outbox { try replicas[i].state.apply(op) }
        stats.bootstraps += 1
        if !replicas[i].outbox.isEmpty { stats.bootstrapsWithOutbox += 1 }
    }

    // MARK: the properties

    /// Compares replicas, a fresh replica of the whole log, and the oracle; returns the failures.
    mutating func check() -> [String] {
        var failures: [String] = []
        var fresh = ReplicaState(schema: schema)
        for op in fullLog.ops {
            do { try fresh.apply(op) } catch { failures.append("fresh replica refused \(op.dot): \(error)") }
        }
        let expectedForm = fresh.canonicalForm()
        let expectedConflicts = fresh.openConflicts().map(ConflictView.init)
        for r in replicas {
            if !r.outbox.isEmpty { failures.append("\(r.node): outbox not empty at the end") }
            if r.cursor != fullLog.head { failures.append("\(r.node): cursor \(r.cursor), log head \(log.head)") }
            let form = r.state.canonicalForm()
            if form != expectedForm {
                failures.append("\(r.node): canonical form differs from a fresh replica of the log:\n" + firstDifference(form, expectedForm))
            }
            let conflicts = r.state.openConflicts().map(ConflictView.init)
            if conflicts != expectedConflicts {
                failures.append("\(r.node): open conflicts \(conflicts) differ from the log's \(expectedConflicts)")
            }
        }
        // every op accepted exactly once, and every op any replica made is in the log
        let logDots = fullLog.ops.map(\.dot)
        if Set(logDots).count != logDots.count { failures.append("a dot is in the log twice") }
        if acceptedDots != logDots { failures.append("accepted dots \(acceptedDots.count) differ from the log's \(logDots.count)") }
        for r in replicas {
            let mine = logDots.filter { $0.node == r.node }.map(\.seq)
            if mine != Array(1..<r.nextSeq) { failures.append("\(r.node): made seqs 1..<\(r.nextSeq), the log holds \(mine)") }
        }
        // the merge rules, computed from the log as a whole
        if compacting, let snapshot = log.snapshot {
            // A replica made now from the snapshot and the rest of the log holds the same.
            var late = Snapshot.bootstrap(schema: schema, versionVector: snapshot.versionVector, records: snapshot.records())
            for op in log.ops { _ = try? late.apply(op) }
            if late.canonicalForm() != expectedForm || late.openConflicts().map(ConflictView.init) != expectedConflicts {
                failures.append("a replica bootstrapped at the end differs from a fresh replica of the whole log")
            }
        }
        failures += LogOracle(log: fullLog.ops).differences(from: LogOracle.observed(fresh))
        let shapes = fresh.openConflicts()
        stats.finalRegisterConflicts += shapes.filter { $0.kind == .register }.count
        stats.finalEditOnDeleted += shapes.filter { $0.kind == .editOnDeleted }.count
        stats.deletedRegisterConflicts += shapes.filter { $0.kind == .register && $0.field == Op.deletedField }.count
        for table in fresh.rows.values {
            stats.equivalentRows += Self.equivalentPairs(table.keys.map(\.string))
            for row in table.values {
                for case .set(let s) in row.fields.values { stats.equivalentElements += Self.equivalentPairs(s.elements) }
            }
        }
        return failures
    }

    /// How many texts of `texts` (distinct bytes) Swift's `String ==` would merge with another.
    static func equivalentPairs(_ texts: [String]) -> Int {
        Dictionary(grouping: texts, by: { $0 }).values.reduce(0) { $0 + ($1.count - 1) }
    }

    private func firstDifference(_ a: String, _ b: String) -> String {
        let la = a.split(separator: "\n", omittingEmptySubsequences: false), lb = b.split(separator: "\n", omittingEmptySubsequences: false)
        for (n, (x, y)) in zip(la, lb).enumerated() where x != y {
            return "  line \(n + 1): replica \(x)\n  line \(n + 1): log     \(y)"
        }
        return "  \(la.count) lines vs \(lb.count) lines"
    }
}

/// An open conflict as every replica must list it: id, place, and its values by dot, hlc, value
/// and context. The department stamp is left out: a replica's own unsent write has none yet.
struct ConflictView: Equatable, CustomStringConvertible {
    let id: String
    let shape: ConflictShape
    let values: [String]

    init(_ c: Conflict) {
        id = c.id
        shape = ConflictShape(c)
        values = c.values.map { "\($0.dot)@\($0.hlc)=\($0.value.jsonText)" + ($0.context.map { $0.text } ?? "") }
    }

    var description: String { "\(id) \(shape) \(values)" }
}

/// The event lines of a replayed schedule.
final class Trace {
    var lines: [String] = []
}
