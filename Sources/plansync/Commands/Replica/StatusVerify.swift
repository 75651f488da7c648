import Planning
import SyncClient
import SyncStore

/// `status --verify`: compares this replica's state hash with the daemon's for its department
/// (the wire request `state_hash`), syncing nothing. Equal: exit 0. Not up to date (unsent ops,
/// not pulled up to the daemon's position, or other access rules since the last sync): exit 1.
/// Different although up to date: exit 3. Each failure is one line naming both positions.
enum StatusVerify {
    /// Reads what the comparison needs from the replica, then asks the daemon. Throws a
    /// ``CLIError`` for the daemon's own file, and the client's errors (exit 3) when the daemon
    /// cannot be reached or refuses.
    static func ask(_ store: ReplicaStore, status: ReplicaStatus) async throws -> StateAgreement {
        guard !store.isDaemonFile else {
            throw CLIError.user("this is the sync daemon's own file: there is no daemon to compare with (plansyncd hash --department D)")
        }
        let rulesVersion = try store.accessRulesVersion()
        var options = SyncClientOptions()
        options.logger = Quiet.logger
        let daemon = try await SyncClient(replica: store, schemaVersion: PlanningSchema.version, options: options).daemonStateHash()
        return StateAgreement(replicaHash: status.stateHash, replicaCursor: status.cursor, outbox: status.outbox,
                              replicaRulesVersion: rulesVersion, daemon: daemon)
    }

    /// The `verify` member of `status --json --verify`.
    static func json(_ a: StateAgreement) -> JSON {
        .object([
            "verdict": .string(a.verdict.rawValue),
            "equal": .bool(a.verdict == .equal),
            "up_to_date": .bool(a.isUpToDate),
            "daemon_hash": .string(a.daemon.hash),
            "daemon_head": .integer(Int64(clamping: a.daemon.head)),
            "cursor": .integer(Int64(clamping: a.replicaCursor)),
            "outbox": .integer(Int64(a.outbox)),
        ])
    }

    /// The rows the text form adds after the status.
    static func append(_ a: StateAgreement, to list: inout KeyValueList) {
        list.append("daemon's hash", "\(a.daemon.hash) (position \(a.daemon.head))")
        list.append("verify", summary(a))
    }

    /// One phrase: equal, not up to date, or different.
    static func summary(_ a: StateAgreement) -> String {
        switch a.verdict {
        case .equal: "equal to the daemon's"
        case .behind: "not up to date: \(positions(a)); run plansync sync, then verify again"
        case .differs: "DIFFERENT from the daemon's although up to date: \(positions(a))"
        }
    }

    /// The error line and exit status of a verdict other than equal.
    static func failure(_ a: StateAgreement) -> CLIError? {
        switch a.verdict {
        case .equal:
            return nil
        case .behind:
            return .user("state hash not comparable yet: this replica is not up to date (\(positions(a))); run plansync sync, then verify again")
        case .differs:
            return .network("state hash differs from the daemon's although this replica is up to date (\(positions(a)); "
                + "replica \(a.replicaHash.prefix(12))…, daemon \(a.daemon.hash.prefix(12))…): they hold different states; "
                + "see docs/operations.md, \"Agreement per scope\"")
        }
    }

    /// Where the replica and the daemon's hash stand.
    static func positions(_ a: StateAgreement) -> String {
        var parts = ["replica cursor \(a.replicaCursor)", "daemon's hash at position \(a.daemon.head)", "\(a.outbox) unsent op\(a.outbox == 1 ? "" : "s")"]
        if a.replicaRulesVersion != a.daemon.rulesVersion {
            parts.append("the daemon's access rules changed since the last sync")
        }
        return parts.joined(separator: ", ")
    }
}
