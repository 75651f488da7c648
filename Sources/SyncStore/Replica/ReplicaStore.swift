import Foundation
import GRDB
import SyncModel

/// A replica: one SQLite file in WAL mode with a readable table per collection and the sync
/// metadata beside it (see docs/replica-format.md).
///
/// ```swift
/// let store = try ReplicaStore.create(at: "sales.sqlite", identity: .init(node: "sales-laptop", department: "sales"),
///                                     schema: PlanningSchema.schema)
/// let id = try store.create("projects", fields: ["name": .text("春季推广")])
/// try store.update("projects", id: id, fields: ["status": .text("active")])
/// ```
/// Every method is one transaction. Local writes are validated first and throw ``StoreError``
/// having written nothing. Merge rules are SyncModel's: each op's field state is loaded into the
/// model types, changed by them, and written back.
public final class ReplicaStore: SyncingReplica, Sendable {
    /// The schema the file's tables were built from.
    public let schema: Schema

    /// Creates a new replica file; throws ``StoreError/alreadyExists(_:)`` if `path` exists.
    public static func create(at path: String, identity: ReplicaIdentity, schema: Schema) throws -> ReplicaStore {
        throw StoreError.notImplemented("create(at:)")
    }

    /// Opens an existing replica; throws ``StoreError/noSuchFile(_:)`` or ``StoreError/notAReplica(path:reason:)``.
    public init(opening path: String, schema: Schema) throws {
        self.schema = schema
        throw StoreError.notImplemented("init(opening:)")
    }

    /// Sets or clears the daemon address (`host:port`) and token.
    public func setServer(_ server: String?, token: String?) throws {
        throw StoreError.notImplemented("setServer")
    }
}

// MARK: - Local writes

extension ReplicaStore {
    /// Creates a row: `_deleted` = false, then one `set` per field (schema order). Returns the id:
    /// `id`, or a new lowercased UUID. Throws ``StoreError/rowExists(collection:id:)`` for a taken id.
    @discardableResult
    public func create(_ collection: String, id: String? = nil, fields: [String: Value]) throws -> String {
        throw StoreError.notImplemented("create")
    }

    /// Sets register fields of a live row. Throws ``StoreError/rowNotFound(collection:id:)`` or
    /// ``StoreError/rowDeleted(collection:id:)``.
    public func update(_ collection: String, id: String, fields: [String: Value]) throws {
        throw StoreError.notImplemented("update")
    }

    /// Adds `delta` (|delta| ≤ 2^53, field unit) to a counter field.
    public func increment(_ collection: String, id: String, field: String, by delta: Int64) throws {
        throw StoreError.notImplemented("increment")
    }

    /// Adds an element to a set field.
    public func add(_ collection: String, id: String, field: String, element: String) throws {
        throw StoreError.notImplemented("add")
    }

    /// Removes an element (every add of it this replica has seen); ``StoreError/elementAbsent(path:element:)`` if absent.
    public func remove(_ collection: String, id: String, field: String, element: String) throws {
        throw StoreError.notImplemented("remove")
    }

    /// Deletes a row: `_deleted` = true with the row's `row_vv` as context.
    public func delete(_ collection: String, id: String) throws {
        throw StoreError.notImplemented("delete")
    }

    /// Restores a deleted row: `_deleted` = false.
    public func restore(_ collection: String, id: String) throws {
        throw StoreError.notImplemented("restore")
    }

    /// Closes an open conflict (id or unique prefix) by writing the picked or given value.
    public func resolve(conflict id: String, with resolution: Resolution) throws {
        throw StoreError.notImplemented("resolve")
    }
}

// MARK: - Sync seam

extension ReplicaStore {
    public func identity() throws -> ReplicaIdentity {
        throw StoreError.notImplemented("identity")
    }

    public func outbox(limit: Int) throws -> [Op] {
        throw StoreError.notImplemented("outbox")
    }

    public func outboxCount() throws -> Int {
        throw StoreError.notImplemented("outboxCount")
    }

    public func acknowledge(through seq: UInt64) throws {
        throw StoreError.notImplemented("acknowledge")
    }

    public func cursor() throws -> UInt64 {
        throw StoreError.notImplemented("cursor")
    }

    public func applyRemote(_ ops: [Op], cursor: UInt64) throws {
        throw StoreError.notImplemented("applyRemote")
    }

    public func observe(serverTime: HLCTimestamp) throws {
        throw StoreError.notImplemented("observe")
    }

    public func stateHash() throws -> String {
        throw StoreError.notImplemented("stateHash")
    }
}

// MARK: - Reads

extension ReplicaStore {
    /// One row, deleted or not; nil when no op has touched it.
    public func row(_ collection: String, id: String) throws -> RowView? {
        throw StoreError.notImplemented("row")
    }

    /// Rows by id (byte order) whose fields equal `filters` (sets: contain the element).
    public func rows(_ collection: String, where filters: [String: Value] = [:], includeDeleted: Bool = false) throws -> [RowView] {
        throw StoreError.notImplemented("rows")
    }

    /// Every open conflict, by collection, row, then field.
    public func openConflicts() throws -> [ConflictView] {
        throw StoreError.notImplemented("openConflicts")
    }

    /// The open conflict with this id or unique id prefix; nil when none.
    public func conflict(_ id: String) throws -> ConflictView? {
        throw StoreError.notImplemented("conflict")
    }

    /// Closed conflicts, oldest first.
    public func conflictHistory() throws -> [ResolvedConflict] {
        throw StoreError.notImplemented("conflictHistory")
    }

    /// The latest applied ops, newest first, at most `limit`.
    public func recentOps(limit: Int) throws -> [LoggedOp] {
        throw StoreError.notImplemented("recentOps")
    }

    public func status() throws -> ReplicaStatus {
        throw StoreError.notImplemented("status")
    }
}
