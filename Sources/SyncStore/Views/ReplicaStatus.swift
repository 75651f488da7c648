import SyncModel

/// A replica's summary for `plansync status`.
public struct ReplicaStatus: Hashable, Sendable {
    /// The replica's node id.
    public let node: String
    /// The department the replica works for.
    public let department: String
    /// `host:port` of the daemon, nil when not set.
    public let server: String?
    /// Local ops not yet acknowledged by the server.
    public let outbox: Int
    /// Server log position applied so far.
    public let cursor: UInt64
    /// How many conflicts are open (register and `edit_on_deleted`).
    public let openConflicts: Int
    /// SHA-256 of the canonical state, 64 lowercase hex digits.
    public let stateHash: String
    /// Rows in all collections, deleted ones included.
    public let rows: Int
    /// Rows whose `_deleted` winner is true.
    public let deletedRows: Int
    /// Ops applied (local and remote): the sum of the applied high-water marks.
    public let opsApplied: UInt64
    /// The schema version the file was built for.
    public let schemaVersion: Int
    /// How the daemon's TLS certificate is trusted; nil: plain TCP.
    public var tls: ServerTrust? = nil
    /// How far back the op record and the conflict history reach, and the window they keep.
    public var history: HistoryReach? = nil
}
