import SyncStore

/// Finds an open conflict by id or prefix, or fails with a user error.
enum OpenConflict {
    static func find(_ id: String, in store: ReplicaStore) throws -> ConflictView {
        guard let conflict = try store.conflict(id) else {
            throw StoreError.noSuchConflict(TextCell.oneLine(String(id.prefix(80))))
        }
        return conflict
    }
}
