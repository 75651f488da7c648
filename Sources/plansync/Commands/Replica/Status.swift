import ArgumentParser
import SyncModel
import SyncStore

/// `status [--json] [--verify]`: who this replica is, what is unsent, how far it has pulled, open
/// conflicts and the state hash (equal hashes = converged replicas). Works on the daemon's file
/// too. `--verify` also asks the daemon for its hash of this department's scope (``StatusVerify``).
struct Status: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Show the replica's identity, sync position, conflicts and state hash.")

    @OptionGroup var replica: ReplicaOptions
    @Flag(help: "Print JSON with node, department, server, outbox, cursor, open_conflicts, state_hash, log_since, …")
    var json = false

    @Flag(help: "Ask the daemon for its state hash of this department's scope and compare (syncs nothing): exit 0 equal, 1 not up to date, 3 different although up to date.")
    var verify = false

    func run() async throws {
        let store = try ReplicaAccess.open(replica)
        let status = try store.status()
        guard verify else {
            Console.out(json ? Self.json(status).render() : Self.text(status, daemonFile: store.isDaemonFile))
            return
        }
        let agreement = try await StatusVerify.ask(store, status: status)
        if json {
            guard case .object(var members) = Self.json(status) else { return }
            members["verify"] = StatusVerify.json(agreement)
            Console.out(JSON.object(members).render())
        } else {
            var list = Self.list(status, daemonFile: false)
            StatusVerify.append(agreement, to: &list)
            Console.out(list.render())
        }
        if let failure = StatusVerify.failure(agreement) { throw failure }
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
        list(s, daemonFile: daemonFile).render()
    }

    /// The rows of ``text(_:daemonFile:)``.
    static func list(_ s: ReplicaStatus, daemonFile: Bool) -> KeyValueList {
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
        return list
    }
}
