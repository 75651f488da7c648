import Planning
import SyncModel
import SyncStore

extension Review {
    /// How many recent changes a review lists at most.
    public static let changeLimit = 20

    /// The review of `project` from `snapshot` and the replica's recent ops (newest first, as
    /// ``SyncStore/ReplicaStore/recentOps(limit:)`` returns them).
    public static func of(_ project: RowView, in snapshot: PlanningSnapshot, recentOps: [LoggedOp]) -> Review {
        let retros = snapshot.live("retrospectives", where: "project", is: project.id).map {
            RetrospectiveItem(id: $0.id, summary: $0.text("summary"), wentWell: $0.text("went_well"), problems: $0.text("problems"),
                              lessons: $0.text("lessons"), improvements: $0.text("improvements"))
        }
        let statusOrder = ["resolved", "mitigating", "open"]
        let problems = snapshot.live("problems", where: "project", is: project.id).sorted { a, b in
            let sa = a.text("status").flatMap { statusOrder.firstIndex(of: $0) } ?? 3, sb = b.text("status").flatMap { statusOrder.firstIndex(of: $0) } ?? 3
            if sa != sb { return sa < sb }
            let ra = Rank.of(a.text("severity")), rb = Rank.of(b.text("severity"))
            return ra != rb ? ra > rb : ExactText.less(a.id, b.id)
        }.map {
            ProblemRecord(id: $0.id, title: $0.text("title") ?? "", severity: $0.text("severity"), status: $0.text("status"),
                          analysis: $0.text("analysis"), measures: $0.text("measures"))
        }
        let improvements = snapshot.live("improvements", where: "project", is: project.id).sorted { a, b in
            let da = a.has("status", "done"), db = b.has("status", "done")
            if da != db { return db }
            let ua = a.text("due") ?? "~", ub = b.text("due") ?? "~"
            return ExactText.equal(ua, ub) ? ExactText.less(a.id, b.id) : ExactText.less(ua, ub)
        }.map {
            ImprovementItem(id: $0.id, title: $0.text("title") ?? "", status: $0.text("status"), due: $0.text("due"),
                            owner: snapshot.reference($0, "owner_department"))
        }
        let rows = Set(snapshot.rowsOf(project: project.id).map { ExactText($0.collection + "\u{0}" + $0.id) })
        let ops = recentOps.filter { rows.contains(ExactText($0.op.collection + "\u{0}" + $0.op.row)) }
        return Review(id: project.id, name: project.text("name") ?? "", status: project.text("status"), start: project.text("start"),
                      end: project.text("end"), retrospectives: retros, problems: problems, improvements: improvements,
                      recentChanges: changes(ops, in: snapshot))
    }

    /// Groups runs of ops (newest first) by the same node on the same row into changes.
    static func changes(_ ops: [LoggedOp], in snapshot: PlanningSnapshot) -> [Change] {
        var out: [Change] = []
        var run: [LoggedOp] = []
        func flush() {
            guard let latest = run.first else { return }
            let op = latest.op
            out.append(Change(collection: op.collection, row: op.row, rowName: snapshot.row(op.collection, op.row).flatMap(RowLabel.of),
                              node: op.node, department: latest.department ?? op.department, hlc: op.hlc,
                              edits: run.reversed().map { edit($0.op, in: snapshot) }))
            run = []
        }
        for entry in ops {
            if let first = run.first, !(ExactText.equal(first.op.row, entry.op.row) && first.op.collection == entry.op.collection
                                        && ExactText.equal(first.op.node, entry.op.node)) {
                flush()
                if out.count == changeLimit { return out }
            }
            run.append(entry)
        }
        flush()
        return Array(out.prefix(changeLimit))
    }

    static func edit(_ op: Op, in snapshot: PlanningSnapshot) -> FieldEdit {
        let value: Value
        switch op.kind {
        case .set: value = op.value ?? .null
        case .inc: value = .integer(op.delta ?? 0)
        case .add, .remove: value = .text(op.element ?? "")
        }
        var reference: Reference?
        if op.kind == .set, case .text(let id) = value, case .ref(let target)? = PlanningSchema.schema.collection(op.collection)?.field(op.field)?.kind {
            reference = Reference.resolve(collection: target, id: id, target: snapshot.row(target, id))
        }
        return FieldEdit(field: op.field, kind: op.kind.rawValue, value: value, reference: reference)
    }
}
