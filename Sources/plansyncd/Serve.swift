import ArgumentParser
import Dispatch
import Foundation
import Logging
import Planning
import ServiceLifecycle
import RulesFile
import struct SyncModel.AccessRules
import struct SyncModel.Schema
import SyncServer
import SyncStore

/// `plansyncd [serve]`: runs the daemon until SIGTERM or SIGINT.
struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Run the sync daemon (the default command).")

    @Option(help: "Address to listen on.")
    var host = "127.0.0.1"

    @Option(help: "TCP port; 0 picks a free one (the log says which).")
    var port = 7420

    @OptionGroup var store: DataOption

    @Option(help: "Most client connections at once.")
    var maxConnections = 1_024

    @Option(help: "Seconds without a request before a connection is closed (subscribed connections excepted).")
    var idleTimeout = 300

    @Option(help: "Seconds a subscribed connection may send nothing and read nothing before it is closed (plansync sync --watch pings every 15 s).")
    var subscriberTimeout = 90

    @Option(help: "Most ops in one push.")
    var maxOpsPerPush = 10_000

    @Option(help: "Longest accepted line in bytes.")
    var maxLineBytes = 16 * 1024 * 1024

    @Option(help: "Seconds an op's clock may run ahead of the server's.")
    var maxClockSkew = 300

    @Option(help: "Access rules (TOML): who may read and write which collections and fields. Reloaded on SIGHUP.")
    var rules: String?

    func validate() throws {
        guard (0...65_535).contains(port) else { throw ValidationError("--port must be from 0 to 65535") }
        for (name, value) in [("--max-connections", maxConnections), ("--idle-timeout", idleTimeout), ("--max-ops-per-push", maxOpsPerPush),
                              ("--max-line-bytes", maxLineBytes), ("--max-clock-skew", maxClockSkew)] where value < 1 {
            throw ValidationError("\(name) must be at least 1")
        }
        // `plansync sync --watch` pings after 15 s without sending; a shorter timeout would cut live watchers.
        guard subscriberTimeout >= 30 else { throw ValidationError("--subscriber-timeout must be at least 30 (watchers ping every 15 s)") }
    }

    func run() async throws {
        LoggingSystem.bootstrap(StreamLogHandler.standardError)
        var logger = Logger(label: "plansyncd")
        logger.logLevel = .info
        let schema = PlanningSchema.schema
        let log: ServerLog
        do {
            log = try ServerLog(path: store.data, schema: schema)
            try log.materialize()
        } catch {
            throw UserError("cannot open \(store.data): \(error)")
        }
        let accessRules = try rules.map { path throws(UserError) in try loadRules(path, schema: schema) } ?? .open
        do { try log.saveRules(accessRules) } catch { throw UserError("cannot keep the rules in \(store.data): \(error)") }
        var configuration = SyncDaemon.Configuration(schema: schema, host: host, port: port)
        configuration.rules = accessRules
        configuration.maxConnections = maxConnections
        configuration.idleTimeout = .seconds(Int64(idleTimeout))
        configuration.subscriberTimeout = .seconds(Int64(subscriberTimeout))
        configuration.maxOpsPerPush = maxOpsPerPush
        configuration.maxLineBytes = maxLineBytes
        configuration.maxClockSkewMilliseconds = UInt64(maxClockSkew) * 1_000
        logger.info("opened \(store.data)", metadata: ["data": "\(store.data)", "head": "\((try? log.head()) ?? 0)"])
        if let rules { logger.info("access rules \(accessRules.version) from \(rules)", metadata: ["entries": "\(accessRules.entries.count)"]) }
        let daemon = SyncDaemon(storage: log, configuration: configuration, logger: logger)
        let reload = rules.map { RulesReload(path: $0, schema: schema, daemon: daemon, log: log, logger: logger) }
        defer { reload?.cancel() }
        let group = ServiceGroup(services: [daemon], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
        do {
            try await group.run()
        } catch {
            throw UserError("cannot serve on \(host):\(port): \(error)")
        }
    }
}

/// Reads and checks a rules file; a bad one is one line naming the place.
func loadRules(_ path: String, schema: Schema) throws(UserError) -> AccessRules {
    do { return try RulesFile.load(path: path, schema: schema) } catch { throw UserError("rules \(error.message)") }
}

/// Reloads the rules file on SIGHUP: good rules go in force (and into the daemon's file), bad
/// ones are logged and the rules in force stay.
final class RulesReload {
    private let source: any DispatchSourceSignal

    init(path: String, schema: Schema, daemon: SyncDaemon, log: ServerLog, logger: Logger) {
        signal(SIGHUP, SIG_IGN)
        source = DispatchSource.makeSignalSource(signal: SIGHUP, queue: .global())
        source.setEventHandler {
            do {
                let rules = try loadRules(path, schema: schema)
                try log.saveRules(rules)
                daemon.replaceRules(rules)
                logger.info("access rules \(rules.version) reloaded from \(path)", metadata: ["entries": "\(rules.entries.count)"])
            } catch {
                logger.error("access rules not reloaded; the rules in force stay: \(error)")
            }
        }
        source.resume()
    }

    func cancel() { source.cancel() }
}
