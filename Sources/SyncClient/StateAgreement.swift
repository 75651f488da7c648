import SyncModel
import SyncProtocol

/// The daemon's answer to `state_hash`, with what its `welcome` said.
public struct DaemonStateHash: Equatable, Sendable {
    /// SHA-256 of the daemon's state for this connection's department, 64 lowercase hex digits.
    public let hash: String
    /// The position the hash is for: the last log position it covers that the department may read.
    public let head: UInt64
    /// The department the daemon bound to the token.
    public let department: String
    /// The version of the daemon's access rules (``SyncModel/AccessRules/version``; that of no
    /// rules when the daemon serves without any).
    public let rulesVersion: String

    /// The answer as read from a `hash` line and its connection's `welcome`.
    public init(hash: String, head: UInt64, department: String, rulesVersion: String) {
        self.hash = hash
        self.head = head
        self.department = department
        self.rulesVersion = rulesVersion
    }
}

/// Whether a replica's state hash agrees with the daemon's for its department, and if not, why
/// (`plansync status --verify`). A pure comparison: nothing is read or sent here.
public struct StateAgreement: Equatable, Sendable {
    /// The outcome.
    public enum Verdict: String, Sendable {
        /// The hashes are equal.
        case equal
        /// The hashes differ and the replica is not up to date: it has unsent ops, has not pulled
        /// up to the hash's position, or last synced under other access rules. A sync may cure it.
        case behind
        /// The hashes differ although the replica has pulled up to the hash's position under the
        /// same rules with an empty outbox: the two hold different states of the same ops.
        case differs
    }

    /// The replica's state hash (``SyncModel/SyncingReplica/stateHash()``).
    public let replicaHash: String
    /// The replica's cursor: the last log position it pulled.
    public let replicaCursor: UInt64
    /// Its unsent ops.
    public let outbox: Int
    /// The rules version it last received in a `welcome`; nil before any.
    public let replicaRulesVersion: String?
    /// The daemon's answer.
    public let daemon: DaemonStateHash

    /// The replica's side (read from it just before asking) and the daemon's answer.
    public init(replicaHash: String, replicaCursor: UInt64, outbox: Int, replicaRulesVersion: String?, daemon: DaemonStateHash) {
        self.replicaHash = replicaHash
        self.replicaCursor = replicaCursor
        self.outbox = outbox
        self.replicaRulesVersion = replicaRulesVersion
        self.daemon = daemon
    }

    /// Equal hashes first; otherwise ``Verdict/behind`` when a sync may explain the difference,
    /// else ``Verdict/differs``.
    public var verdict: Verdict {
        if replicaHash == daemon.hash { return .equal }
        if !isUpToDate { return .behind }
        return .differs
    }

    /// No unsent ops, pulled at least to the hash's position, and the daemon's rules are the ones
    /// the replica last received.
    public var isUpToDate: Bool {
        outbox == 0 && replicaCursor >= daemon.head && replicaRulesVersion == daemon.rulesVersion
    }
}
