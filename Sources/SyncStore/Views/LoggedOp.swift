import SyncModel

/// One op from the replica's recent-op record, with where it came from.
public struct LoggedOp: Hashable, Sendable {
    /// Written on this replica, or received from the server.
    public enum Origin: String, Hashable, Sendable {
        case local
        case remote
    }

    /// The op as applied (with `department` and `log` when the server stamped them).
    public let op: Op
    /// Local write or received from the daemon.
    public let origin: Origin
    /// The writer's department: the server's stamp for remote ops, this replica's for local ones.
    public let department: String?
    /// The server log position, nil for local ops.
    public let log: UInt64?
    /// This replica's record number, increasing in apply order.
    public let position: Int64
}
