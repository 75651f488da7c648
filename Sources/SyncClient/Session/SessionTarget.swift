import SyncModel
import SyncProtocol

/// Where and as whom to connect: the replica identity with the options' overrides applied.
struct SessionTarget: Sendable {
    let address: ServerAddress
    let hello: Hello
    /// How the daemon's certificate is trusted; nil: plain TCP.
    let tls: ServerTrust?

    /// Throws ``SyncClientError/configuration(_:)`` when no server or token is known.
    init(identity: ReplicaIdentity, options: SyncClientOptions, schemaVersion: Int) throws(SyncClientError) {
        if let server = options.server {
            address = server
        } else if let text = identity.server, !text.isEmpty {
            address = try ServerAddress(parsing: text)
        } else {
            throw .configuration("no server set for this replica; give one with --server HOST:PORT or at init")
        }
        guard let token = options.token ?? identity.token, !token.isEmpty else {
            throw .configuration("no token set for this replica; ask the daemon's operator for one (plansyncd token add) and give it with --token")
        }
        hello = Hello(node: identity.node, token: token, schema: schemaVersion)
        tls = options.tls ?? identity.tls
    }
}
