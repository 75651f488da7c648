import Foundation
import Planning
import SyncClient
import SyncModel
import SyncServer
import SyncStore

/// The demo's stage: a temporary folder holding the daemon's file and four department replicas,
/// and an in-process daemon on a free loopback port, serving TLS with a self-signed certificate
/// made on the fly that the replicas pin. ``stop()`` shuts the daemon down and removes
/// the folder.
final class DemoWorld: Sendable {
    /// One department's laptop.
    struct Laptop: Sendable {
        let department: String
        let node: String
        let store: ReplicaStore
        let client: SyncClient
    }

    static let departments = ["planning", "marketing", "sales", "finance"]
    /// The demo daemon's access rules: finance and planning alone set a project's planned budget.
    static let rules = AccessRules([.init(collection: "projects", field: "budget_planned", access: .write, departments: ["finance", "planning"])])

    let folder: URL
    let daemon: SyncDaemon
    let serverLog: ServerLog
    let port: Int
    let laptops: [String: Laptop]
    /// SHA-256 of the daemon's certificate, which every laptop pins.
    let pin: String

    private init(folder: URL, daemon: SyncDaemon, serverLog: ServerLog, port: Int, laptops: [String: Laptop], pin: String) {
        self.pin = pin
        self.folder = folder
        self.daemon = daemon
        self.serverLog = serverLog
        self.port = port
        self.laptops = laptops
    }

    /// Creates the folder, the daemon's file with one token per department, starts the daemon and
    /// creates the replicas. Removes whatever it made if any step fails.
    static func start() async throws -> DemoWorld {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("plansync-demo-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        do {
            let schema = PlanningSchema.schema
            let serverLog = try ServerLog(path: folder.appendingPathComponent("server.sqlite").path, schema: schema)
            var configuration = SyncDaemon.Configuration(schema: schema, host: "127.0.0.1", port: 0)
            configuration.shutdownGracePeriod = .seconds(2)
            configuration.rules = DemoWorld.rules
            let certificate = try CertificateFactory.selfSigned(hosts: ["127.0.0.1", "localhost"], days: 1)
            let certificatePath = folder.appendingPathComponent("cert.pem").path, keyPath = folder.appendingPathComponent("key.pem").path
            try Data(certificate.certificatePEM.utf8).write(to: URL(fileURLWithPath: certificatePath))
            try Data(certificate.privateKeyPEM.utf8).write(to: URL(fileURLWithPath: keyPath))
            configuration.tls = ServerTLSFiles(certificatePath: certificatePath, keyPath: keyPath)
            let daemon = SyncDaemon(storage: serverLog, configuration: configuration, logger: Quiet.logger)
            let port = try await daemon.start()
            do {
                var laptops: [String: Laptop] = [:]
                for department in departments {
                    let token = try serverLog.addToken(department: department)
                    let identity = ReplicaIdentity(node: "\(department)-laptop", department: department, server: "127.0.0.1:\(port)", token: token,
                                                   tls: .pinned(sha256: certificate.fingerprint))
                    let store = try ReplicaStore.create(at: folder.appendingPathComponent("\(department).sqlite").path, identity: identity, schema: schema)
                    var options = SyncClientOptions()
                    options.logger = Quiet.logger
                    let client = SyncClient(replica: store, schemaVersion: PlanningSchema.version, options: options)
                    laptops[department] = Laptop(department: department, node: identity.node, store: store, client: client)
                }
                return DemoWorld(folder: folder, daemon: daemon, serverLog: serverLog, port: port, laptops: laptops,
                                 pin: certificate.fingerprint)
            } catch {
                await daemon.shutdown()
                throw error
            }
        } catch {
            try? FileManager.default.removeItem(at: folder)
            throw error
        }
    }

    /// The laptop of `department` (one of ``departments``).
    func laptop(_ department: String) -> Laptop {
        laptops[department]! // the story only names the four departments made in start()
    }

    /// Syncs every laptop, in the order of ``departments``.
    func syncAll() async throws {
        for department in DemoWorld.departments { _ = try await laptop(department).client.sync() }
    }

    func stop() async {
        await daemon.shutdown()
        try? FileManager.default.removeItem(at: folder)
    }
}
