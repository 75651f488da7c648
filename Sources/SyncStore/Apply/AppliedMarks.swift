import GRDB
import SyncModel

/// The applied-dot high-water marks (`ps_applied`) during one transaction: which ops were applied
/// already (skipped by their dot), raised as ops apply, and written back for the nodes whose mark
/// moved, each with the newest HLC reading of that node's ops applied (`ps_applied.hlc`, which
/// the replica's clock reads: ``IdentityRecord/read(_:clock:)``).
///
/// A batch holds long runs of one node's ops, so the mark of the node of the latest op is kept
/// aside: an op of the same node is checked and recorded without a dictionary lookup.
struct AppliedMarks {
    private var marks: [String: UInt64] = [:]
    private var raised: Set<String> = []
    /// The newest reading applied in this transaction, per node whose mark moved.
    private var readings: [String: HLCTimestamp] = [:]
    /// The node of the latest op, its mark, whether the mark moved since it was taken aside, and
    /// the newest reading applied of it since then.
    private var runNode = ""
    private var runSeq: UInt64 = 0
    private var runRaised = false
    private var runHLC = HLCTimestamp.zero

    /// Reads every node's mark.
    init(_ db: Database) throws {
        let statement = try RawStatement(db, "SELECT node, seq FROM ps_applied")
        while try statement.step() {
            marks[statement.text(0)] = UInt64(max(0, statement.int64(1)))
        }
        statement.reset()
    }

    /// The highest applied seq of `node`, 0 when none.
    subscript(node: String) -> UInt64 {
        node == runNode ? runSeq : marks[node] ?? 0
    }

    /// Whether the op with this dot was applied already.
    mutating func contains(node: String, seq: UInt64) -> Bool {
        if node != runNode { switchRun(to: node) }
        return seq <= runSeq
    }

    /// Raises `node`'s mark to `seq` (after ``contains(node:seq:)`` said it was not applied),
    /// the op stamped `hlc`.
    mutating func observe(node: String, seq: UInt64, hlc: HLCTimestamp) {
        if node != runNode { switchRun(to: node) }
        if seq > runSeq {
            runSeq = seq
            runRaised = true
        }
        if hlc > runHLC { runHLC = hlc }
    }

    /// Writes the marks that moved, in node order, each with the newer of its stored reading and
    /// the newest applied now (HLC text sorts as time: 16 hex digits).
    mutating func flush(_ db: Database) throws {
        switchRun(to: "")
        guard !raised.isEmpty else { return }
        let statement = try RawStatement(db, """
            INSERT INTO ps_applied (node, seq, hlc) VALUES (?, ?, ?)
            ON CONFLICT DO UPDATE SET seq = excluded.seq, hlc = max(coalesce(hlc, ''), excluded.hlc)
            """)
        for node in raised.sorted() {
            try statement.bind(1, node)
            try statement.bind(2, seq: marks[node] ?? 0)
            try statement.bind(3, hlc: readings[node] ?? .zero)
            try statement.run()
        }
        raised = []
        readings = [:]
    }

    private mutating func switchRun(to node: String) {
        if runRaised {
            marks[runNode] = runSeq
            raised.insert(runNode)
        }
        if runHLC != .zero, readings[runNode].map({ runHLC > $0 }) ?? true { readings[runNode] = runHLC }
        runNode = node
        runSeq = node.isEmpty ? 0 : marks[node] ?? 0
        runRaised = false
        runHLC = .zero
    }
}
