import GRDB
import SyncModel

extension ReplicaStore {
    /// Sets how this replica trusts the daemon's TLS certificate (`plansync config --tls/--ca/--pin`);
    /// nil turns TLS off (`--no-tls`). Node, department, server, token and history stay.
    public func setTLS(_ trust: ServerTrust?) throws {
        try write { db in
            try db.execute(sql: "UPDATE ps_identity SET tls = ? WHERE id = 1", arguments: [trust?.stored])
        }
    }
}
