import SyncModel
import SyncProtocol

extension SyncClient {
    /// Asks the daemon for its state hash of what this replica's department may read
    /// (`state_hash`, protocol/PROTOCOL.md): connects, says `hello`, sends the one request and
    /// closes. Syncs nothing and changes nothing in the replica (not even its clock or rules).
    /// Throws ``SyncClientError`` as ``sync()`` does; a daemon that predates the request refuses
    /// it with `unknown_type` (``SyncClientError/server(code:message:)``).
    public func daemonStateHash() async throws(SyncClientError) -> DaemonStateHash {
        let identity = try replicaCall("reading the identity") { try replica.identity() }
        let target = try SessionTarget(identity: identity, options: options, schemaVersion: schemaVersion)
        let connection = try await SessionConnection.open(target, group: group, options: options)
        do throws(SyncClientError) {
            let reply = try await connection.request({ $0.stateHash() }, awaiting: "hash")
            guard case .stateHash(let hash) = reply else { throw .protocolViolation("expected hash after state_hash") }
            await connection.close()
            let welcome = connection.welcome
            return DaemonStateHash(hash: hash.hash, head: hash.head, department: welcome.department,
                                   rulesVersion: welcome.rules?.version ?? AccessRules.open.version)
        } catch {
            await connection.close()
            throw error
        }
    }
}
