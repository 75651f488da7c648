import Foundation
import GRDB
import SyncModel

extension ReplicaStore {
    /// The file a bootstrap builds beside the replica at `path`.
    static func bootstrapPath(_ path: String) -> String { path + ".bootstrap" }

    /// Begins building a replica from the daemon's snapshot beside this file (`<file>.bootstrap`,
    /// same node and department), or resumes the one begun for the same snapshot unless `afresh`;
    /// a leftover of another snapshot (or any, `afresh`) is removed first (see
    /// ``SyncModel/SnapshotBootstrap``). One bootstrap of a file at a time: another process's
    /// is waited for (``BootstrapLock``, at most 2 minutes). Throws ``StoreError/daemonFile(_:)`` or
    /// ``StoreError/readOnly(_:)`` for a file this process may not change.
    public func bootstrap(horizon: UInt64, versionVector: VersionVector, afresh: Bool) throws -> any SnapshotBootstrap {
        try checkWritable()
        let path = pool.path
        let lock = try BootstrapLock(replicaAt: path)
        let side = ReplicaStore.bootstrapPath(path)
        let identity = try identity()
        if FileManager.default.fileExists(atPath: side) {
            if !afresh, let store = try? ReplicaStore(opening: side, schema: schema, wallClock: wallClock),
               let progress = try? store.read({ db in try BootstrapProgress.read(db) }),
               progress.horizon == horizon, progress.versionVector == versionVector,
               (try? store.identity().node) == identity.node {
                return StoreBootstrap(main: self, side: store, horizon: horizon, versionVector: versionVector, lock: lock)
            }
            try ReplicaSwap.remove(side)
        }
        let store = try ReplicaStore.create(at: side, identity: ReplicaIdentity(node: identity.node, department: identity.department),
                                            schema: schema, wallClock: wallClock)
        try store.write { db in
            try BootstrapProgress(horizon: horizon, versionVector: versionVector, after: nil, complete: false).save(db)
        }
        return StoreBootstrap(main: self, side: store, horizon: horizon, versionVector: versionVector, lock: lock)
    }

    /// The snapshot this replica was bootstrapped from (horizon), nil when it never was.
    public func bootstrappedFrom() throws -> UInt64? {
        try read { db in try BootstrapProgress.read(db)?.horizon }
    }
}
