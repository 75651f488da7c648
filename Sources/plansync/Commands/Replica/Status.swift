import ArgumentParser
import SyncModel
import SyncStore

/// `status [--json]`: who this replica is, what is unsent, how far it has pulled, open conflicts
/// and the state hash (equal hashes = converged replicas). Works on the daemon's file too.
struct Status: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Show the replica's identity, sync position, conflicts and state hash.")

    @OptionGroup var replica: ReplicaOptions
    @Flag(help: "Print JSON with node, department, server, outbox, cursor, open_conflicts, state_hash, log_since, …")
    var json = false

    func run() throws {
        let store = try ReplicaAccess.open(replica)
        let status = try store.status()
        Console.out(json ? Self.json(status).render() : Self.text(status, daemonFile: store.isDaemonFile))
    }

    static func json(_ s: ReplicaStatus) -> JSON {
        .object([
            "node": .string(s.node),
            "department": .string(s.department),
            "server": s.server.map(JSON.string) ?? .null,
            "tls": s.tls.map { JSON.string($0.stored) } ?? .null,
            "outbox": .integer(Int64(s.outbox)),
            "cursor": .integer(Int64(clamping: s.cursor)),
            "open_conflicts": .integer(Int64(s.openConflicts)),
            "state_hash": .string(s.stateHash),
            "rows": .integer(Int64(s.rows)),
            "deleted_rows": .integer(Int64(s.deletedRows)),
            "ops_applied": .integer(Int64(clamping: s.opsApplied)),
            "schema_version": .integer(Int64(s.schemaVersion)),
            "history_keep_days": s.history.map { JSON.integer(Int64($0.keepDays)) } ?? .null,
            "log_since": s.history?.opRecordSince.map { JSON.string(TimeText.utc(milliseconds: $0)) } ?? .null,
            "conflict_history_since": s.history?.conflictHistorySince.map { JSON.string(TimeText.utc(milliseconds: $0)) } ?? .null,
        ])
    }

    /// The human form; the daemon's own file has no server to set, and refuses sync.
    static func text(_ s: ReplicaStatus, daemonFile: Bool) -> String {
        var list = KeyValueList()
        list.append("node", s.node)
        list.append("department", s.department)
        list.append("server", daemonFile ? "(none: this is the sync daemon's own file)" : s.server ?? "(not set; plansync sync --server HOST:PORT)")
        if !daemonFile { list.append("transport", s.tls?.description ?? "plain TCP (plansync config --tls to encrypt)") }
        list.append("unsent ops", String(s.outbox))
        list.append("cursor", "\(s.cursor) (server log position pulled)")
        list.append("rows", "\(s.rows - s.deletedRows) live, \(s.deletedRows) deleted")
        list.append("open conflicts", s.openConflicts == 0 ? "0" : "\(s.openConflicts) (plansync conflicts)")
        list.append("state hash", s.stateHash)
        if let history = s.history, !daemonFile { list.append("history", HistoryText.reach(history)) }
        return list.render()
    }
}
