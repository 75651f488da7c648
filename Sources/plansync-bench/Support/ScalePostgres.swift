import Foundation
import Logging
import Planning
import SyncPostgres
import SyncServer

/// The PostgreSQL half of the `scale` scenario: two daemons in this process, each over its own
/// ``SyncPostgres/PostgresServerLog`` on one new database of the server named by
/// `PLANSYNC_POSTGRES_URL` (`.ci/postgres.sh start` prints one), dropped afterwards; or why it
/// is skipped.
enum ScalePostgres {
    /// A factory of the two-daemon cluster, or nil and the reason it is skipped.
    static func fromEnvironment() -> (cluster: (@Sendable () async throws -> ScaleBench.Cluster)?, skipped: String?) {
        guard let text = ProcessInfo.processInfo.environment["PLANSYNC_POSTGRES_URL"], !text.isEmpty else {
            return (nil, "PLANSYNC_POSTGRES_URL is not set (eval \"$(bash .ci/postgres.sh start)\" starts a server)")
        }
        let server: PostgresURL
        do { server = try PostgresURL(text) } catch { return (nil, "\(error)") }
        return ({ try await cluster(server: server, daemons: 2) }, nil)
    }

    /// `daemons` daemons on one scratch database of `server`.
    static func cluster(server: PostgresURL, daemons count: Int) async throws -> ScaleBench.Cluster {
        let scratch = try PostgresScratchDatabase(server: server, prefix: "plansync_bench")
        let quiet = Logger(label: "plansync-bench") { _ in SwiftLogNoOpLogHandler() }
        var logs: [PostgresServerLog] = []
        var daemons: [SyncDaemon] = []
        var ports: [Int] = []
        @Sendable func stop(_ daemons: [SyncDaemon], _ logs: [PostgresServerLog]) async {
            for daemon in daemons { await daemon.shutdown() }
            for log in logs { log.shutdown() }
            scratch.drop()
        }
        do {
            for _ in 0..<count {
                let log = try PostgresServerLog(url: scratch.url, schema: PlanningSchema.schema, logger: quiet)
                logs.append(log)
                let daemon = DaemonFixture.daemon(log, port: 0, maxConnections: 4_096)
                daemons.append(daemon)
                ports.append(try await daemon.start())
            }
        } catch {
            await stop(daemons, logs)
            throw error
        }
        let first = logs[0]
        let stopAll: @Sendable () async -> Void = { [daemons, logs] in await stop(daemons, logs) }
        return ScaleBench.Cluster(backend: "postgres", ports: ports, addToken: { try first.addToken(department: $0) }, stop: stopAll)
    }
}
