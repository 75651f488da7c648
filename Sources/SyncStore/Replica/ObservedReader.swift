import Foundation
import GRDB

/// Whether an app has started a GRDB `ValueObservation` on a replica's ``ReplicaStore/reader``;
/// once set it stays set. Thread-safe.
///
/// The store writes its readable tables and siblings through SQLite's C API, which GRDB's change
/// tracking does not see, so a transaction names what it changed (`Database.notifyChanges(in:)`).
/// GRDB computes that notification before it knows whether anyone listens (it canonicalises each
/// table name by a scan of the schema and lists the table's columns): about a fifth of the
/// instructions of a one-op batch, which is what a `sync --watch` applies for each live edit.
/// GRDB observation is per pool and in-process, so only observations started on this store's
/// reader can see its transactions, and the store names changes only once one was started.
final class ObservationFlag: Sendable {
    private let lock = NSLock()
    nonisolated(unsafe) private var observed = false

    var isObserved: Bool { lock.withLock { observed } }

    func noteObserved() { lock.withLock { observed = true } }
}

/// ``ReplicaStore/reader``: the replica's `DatabasePool`, read-only, which notes in an
/// ``ObservationFlag`` that an observation was started before handing it to the pool. Every
/// requirement is the pool's own.
///
/// ```swift
/// let names = ValueObservation.tracking { db in try String.fetchAll(db, sql: "SELECT name FROM projects") }
/// let cancellable = names.start(in: store.reader, onError: { _ in }, onChange: { print($0) })
/// ```
final class ObservedReader: DatabaseReader {
    private let pool: DatabasePool
    private let flag: ObservationFlag

    init(pool: DatabasePool, flag: ObservationFlag) {
        self.pool = pool
        self.flag = flag
    }

    var configuration: Configuration { pool.configuration }
    var path: String { pool.path }
    func close() throws { try pool.close() }
    func interrupt() { pool.interrupt() }

    @_disfavoredOverload
    func read<T>(_ value: (Database) throws -> T) throws -> T { try pool.read(value) }
    func read<T: Sendable>(_ value: @Sendable (Database) throws -> T) async throws -> T { try await pool.read(value) }
    func asyncRead(_ value: @escaping @Sendable (Result<Database, Error>) -> Void) { pool.asyncRead(value) }

    @_disfavoredOverload
    func unsafeRead<T>(_ value: (Database) throws -> T) throws -> T { try pool.unsafeRead(value) }
    func unsafeRead<T: Sendable>(_ value: @Sendable (Database) throws -> T) async throws -> T { try await pool.unsafeRead(value) }
    func asyncUnsafeRead(_ value: @escaping @Sendable (Result<Database, Error>) -> Void) { pool.asyncUnsafeRead(value) }
    func unsafeReentrantRead<T>(_ value: (Database) throws -> T) throws -> T { try pool.unsafeReentrantRead(value) }

    /// Sets the flag first: the pool registers the observation on its writer's queue, after any
    /// write transaction in progress, so every transaction it can see was started with the flag set.
    func _add<Reducer: ValueReducer>(observation: ValueObservation<Reducer>, scheduling scheduler: some ValueObservationScheduler,
                                     onChange: @escaping @Sendable (Reducer.Value) -> Void) -> AnyDatabaseCancellable {
        flag.noteObserved()
        return pool._add(observation: observation, scheduling: scheduler, onChange: onChange)
    }
}
