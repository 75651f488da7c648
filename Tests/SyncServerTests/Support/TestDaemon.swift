import Foundation
import Logging
import Planning
import PostgresTestSupport
import SyncModel
@testable import SyncPostgres
import SyncProtocol
@testable import SyncServer

/// The storage a ``TestDaemon`` runs on: the in-memory log, or PostgreSQL (a new database on the
/// server of `PLANSYNC_POSTGRES_URL`, dropped at ``TestDaemon/stop()``).
enum TestBackend: String, Sendable, CustomStringConvertible {
    case memory, postgres

    var description: String { rawValue }
}

/// A daemon on a free loopback port over an in-memory or PostgreSQL log with fixed tokens.
struct TestDaemon {
    static let salesToken = "token-sales"
    static let rndToken = "token-rnd"

    let daemon: SyncDaemon
    let port: Int
    /// The in-memory log (with `backend: .memory`, the one the daemon serves).
    let log: MemoryServerLog
    /// With `backend: .postgres`: the log the daemon serves, and its database.
    let postgres: (log: PostgresServerLog, database: TestDatabase)?

    /// A daemon over `storage`, a fresh in-memory log, or (`backend` `.postgres`) a fresh
    /// PostgreSQL database; an in-memory `storage` gets the fixed tokens and is ``log`` (one
    /// ``MemoryServerLog`` handed to two daemons is one shared log).
    static func start(backend: TestBackend = .memory, storage: (any ServerLogStorage)? = nil,
                      _ configure: (inout SyncDaemon.Configuration) -> Void = { _ in }) async throws -> TestDaemon {
        let log = storage as? MemoryServerLog ?? MemoryServerLog()
        log.addToken(salesToken, department: "sales")
        log.addToken(rndToken, department: "rnd")
        var postgres: (log: PostgresServerLog, database: TestDatabase)?
        if backend == .postgres {
            let database = try TestDatabase()
            let shared = try PostgresServerLog(url: database.url, schema: PlanningSchema.schema)
            try shared.addToken(salesToken, department: "sales")
            try shared.addToken(rndToken, department: "rnd")
            postgres = (shared, database)
        }
        var configuration = SyncDaemon.Configuration(schema: PlanningSchema.schema, port: 0)
        configure(&configuration)
        let daemon = SyncDaemon(storage: storage ?? postgres?.log ?? log, configuration: configuration, logger: quietLogger)
        let port = try await daemon.start()
        return TestDaemon(daemon: daemon, port: port, log: log, postgres: postgres)
    }

    static let quietLogger: Logger = {
        // PLANSYNC_TEST_LOG=1 shows the daemon's log on stderr.
        var logger = Logger(label: "plansyncd-test", factory: { label -> any LogHandler in
            ProcessInfo.processInfo.environment["PLANSYNC_TEST_LOG"] == nil ? SwiftLogNoOpLogHandler() : StreamLogHandler.standardError(label: label)
        })
        logger.logLevel = .debug
        return logger
    }()

    func client() async throws -> LineClient { try await LineClient.connect(port: port) }

    /// A client past hello.
    func session(node: String, token: String = TestDaemon.salesToken) async throws -> LineClient {
        let client = try await client()
        try await client.hello(token: token, node: node)
        return client
    }

    func stop() async {
        await daemon.shutdown()
        if let postgres {
            postgres.log.shutdown()
            postgres.database.drop()
        }
    }
}

/// Ops as a replica would write them.
enum Ops {
    static var now: HLCTimestamp {
        (try? HLCTimestamp(milliseconds: UInt64(Date().timeIntervalSince1970 * 1000), counter: 0)) ?? .zero
    }

    static func create(node: String, seq: UInt64, row: String, name: String) -> [Op] {
        [
            Op(collection: "projects", row: row, field: "_deleted", kind: .set, node: node, seq: seq, hlc: now, value: .bool(false), context: VersionVector()),
            Op(collection: "projects", row: row, field: "name", kind: .set, node: node, seq: seq + 1, hlc: now, value: .text(name)),
        ]
    }

    static func name(node: String, seq: UInt64, row: String = "p1", name: String = "x", replaces: [Dot] = []) -> Op {
        Op(collection: "projects", row: row, field: "name", kind: .set, node: node, seq: seq, hlc: now, value: .text(name), replaces: replaces)
    }
}

/// The error code of a reply, nil if it is not an error.
func errorCode(_ message: ServerMessage) -> ErrorCode? {
    if case .error(let reply) = message { return reply.code }
    return nil
}

/// A flag set once, read from any task.
final class Flag: @unchecked Sendable {
    private let lock = NSLock()
    private var value = false

    var isSet: Bool { lock.withLock { value } }

    func set() { lock.withLock { value = true } }
}
