import GRDB
import SyncModel

/// The applied-dot high-water marks (`ps_applied`) during one transaction: which ops were applied
/// already (skipped by their dot), raised as ops apply, and written back for the nodes whose mark
/// moved.
///
/// A batch holds long runs of one node's ops, so the mark of the node of the latest op is kept
/// aside: an op of the same node is checked and recorded without a dictionary lookup.
struct AppliedMarks {
    private var marks: [String: UInt64] = [:]
    private var raised: Set<String> = []
    /// The node of the latest op, its mark, and whether the mark moved since it was taken aside.
    private var runNode = ""
    private var runSeq: UInt64 = 0
    private var runRaised = false

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

    /// Raises `node`'s mark to `seq` (after ``contains(node:seq:)`` said it was not applied).
    mutating func observe(node: String, seq: UInt64) {
        if node != runNode { switchRun(to: node) }
        if seq > runSeq {
            runSeq = seq
            runRaised = true
        }
    }

    /// Writes the marks that moved, in node order.
    mutating func flush(_ db: Database) throws {
        switchRun(to: "")
        guard !raised.isEmpty else { return }
        let statement = try RawStatement(db, "INSERT INTO ps_applied (node, seq) VALUES (?, ?) ON CONFLICT DO UPDATE SET seq = excluded.seq")
        for node in raised.sorted() {
            try statement.bind(1, node)
            try statement.bind(2, seq: marks[node] ?? 0)
            try statement.run()
        }
        raised = []
    }

    private mutating func switchRun(to node: String) {
        if runRaised {
            marks[runNode] = runSeq
            raised.insert(runNode)
        }
        runNode = node
        runSeq = node.isEmpty ? 0 : marks[node] ?? 0
        runRaised = false
    }
}
