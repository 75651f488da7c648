import Foundation
import Logging
import Planning
import PlanningViews
import SyncClient
import SyncModel
import SyncServer
import SyncStore

/// Fixture replicas made the way users make them: an in-process daemon on a loopback port, one
/// replica file per department written through the real store, and real syncs between them.
final class SyncedLaptops: Sendable {
    let folder: URL
    let daemon: SyncDaemon
    let stores: [String: ReplicaStore]
    let clients: [String: SyncClient]

    private init(folder: URL, daemon: SyncDaemon, stores: [String: ReplicaStore], clients: [String: SyncClient]) {
        self.folder = folder
        self.daemon = daemon
        self.stores = stores
        self.clients = clients
    }

    static func start(_ departments: [String] = ["planning", "sales"]) async throws -> SyncedLaptops {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("plansync-views-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let log = try ServerLog(path: folder.appendingPathComponent("server.sqlite").path, schema: PlanningSchema.schema)
        var configuration = SyncDaemon.Configuration(schema: PlanningSchema.schema, host: "127.0.0.1", port: 0)
        configuration.shutdownGracePeriod = .seconds(1)
        let daemon = SyncDaemon(storage: log, configuration: configuration, logger: Logger(label: "views-tests") { _ in SwiftLogNoOpLogHandler() })
        let port = try await daemon.start()
        var stores: [String: ReplicaStore] = [:], clients: [String: SyncClient] = [:]
        for department in departments {
            let identity = ReplicaIdentity(node: "\(department)-laptop", department: department, server: "127.0.0.1:\(port)",
                                           token: try log.addToken(department: department))
            let store = try ReplicaStore.create(at: folder.appendingPathComponent("\(department).sqlite").path, identity: identity,
                                                schema: PlanningSchema.schema)
            stores[department] = store
            // The whole test run shares two cores: generous timeouts keep a starved sync from failing.
            var options = SyncClientOptions()
            options.connectTimeout = .seconds(60)
            options.handshakeTimeout = .seconds(60)
            options.requestTimeout = .seconds(120)
            options.logger = Logger(label: "views-tests") { _ in SwiftLogNoOpLogHandler() }
            clients[department] = SyncClient(replica: store, schemaVersion: PlanningSchema.version, options: options)
        }
        return SyncedLaptops(folder: folder, daemon: daemon, stores: stores, clients: clients)
    }

    /// The replica of `department`.
    func callAsFunction(_ department: String) -> ReplicaStore { stores[department]! }

    /// Syncs every laptop twice round, so that all hold every op.
    func syncAll() async throws {
        for _ in 0..<2 {
            for department in stores.keys.sorted() { _ = try await clients[department]!.sync() }
        }
    }

    /// The views' snapshot of `department`'s replica.
    func snapshot(_ department: String = "planning") throws -> PlanningSnapshot {
        try PlanningSnapshot.load(from: stores[department]!)
    }

    func stop() async {
        await daemon.shutdown()
        try? FileManager.default.removeItem(at: folder)
    }
}

extension ReplicaStore {
    /// Creates a row from text fields (dates, enums and refs are text too) and returns its id.
    @discardableResult
    func make(_ collection: String, _ fields: [String: String], numbers: [String: Int64] = [:]) throws -> String {
        var values = fields.mapValues { Value.text($0) }
        for (k, v) in numbers { values[k] = .integer(v) }
        return try create(collection, fields: values)
    }
}
