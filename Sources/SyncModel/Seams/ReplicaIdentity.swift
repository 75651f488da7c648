/// Who a replica is and where it syncs: fixed at `plansync init` (server and token may change).
public struct ReplicaIdentity: Hashable, Sendable, Codable {
    /// The replica's node id (``NodeID``).
    public var node: String
    /// The department the replica works for, as the user named it.
    public var department: String
    /// `host:port` of the sync daemon, nil when not set.
    public var server: String?
    /// The bearer token for the daemon, nil when not set.
    public var token: String?
    /// How the daemon's TLS certificate is trusted; nil: plain TCP.
    public var tls: ServerTrust?

    public init(node: String, department: String, server: String? = nil, token: String? = nil, tls: ServerTrust? = nil) {
        self.node = node
        self.department = department
        self.server = server
        self.token = token
        self.tls = tls
    }
}
