import Planning
import SyncModel
import SyncStore

/// Opens the replica a command works on, with the planning schema.
enum ReplicaAccess {
    /// The schema every replica of this CLI is built with.
    static let schema = PlanningSchema.schema

    /// Opens the existing replica at `options.path`; a missing file is a user error that says to run `init`.
    static func open(_ options: ReplicaOptions) throws -> ReplicaStore {
        try ReplicaStore(opening: options.path, schema: schema)
    }
}
