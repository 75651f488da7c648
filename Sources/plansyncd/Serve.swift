import ArgumentParser
import Dispatch
import Foundation
import Logging
import Planning
import ServiceLifecycle
import RulesFile
import struct SyncModel.AccessRules
import struct SyncModel.Schema
import protocol SyncModel.ServerLogStorage
import SyncPostgres
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

    @Option(help: "Longest accepted line in bytes (at least 4194304: clients push lines of up to 4 MiB).")
    var maxLineBytes = 16 * 1024 * 1024

    @Option(help: "Seconds an op's clock may run ahead of the server's.")
    var maxClockSkew = 300

    @Option(help: "Access rules (TOML): who may read and write which collections and fields. Reloaded on SIGHUP.")
    var rules: String?

    @Option(help: ArgumentHelp("PEM certificate (chain) to serve TLS with; reloaded on SIGHUP or when the file changes.", valueName: "file"))
    var tlsCert: String?

    @Option(help: ArgumentHelp("PEM private key of --tls-cert.", valueName: "file"))
    var tlsKey: String?

    @Option(help: "Compact the log at start and hourly, keeping the ops of the last N days (off by default).")
    var keepDays: Int?

    @Option(help: ArgumentHelp("Serve Prometheus metrics at http://127.0.0.1:PORT/metrics (loopback only); 0 picks a free port (the log says which).",
                               valueName: "port"))
    var metricsPort: Int?

    @Flag(help: "Serve plain TCP on a non-loopback --host (tokens and data cross the network unencrypted).")
    var allowPlaintext = false

    @Flag(help: "Refuse compression: clients that ask for deflate (hello.compression) are answered plain.")
    var noCompression = false

    /// The longest timeout accepted, in seconds: a year.
    static let yearSeconds = 365 * 86_400
    /// The longest retention accepted, in days: a hundred years.
    static let mostKeepDays = 36_500

    func validate() throws {
        guard (0...65_535).contains(port) else { throw ValidationError("--port must be from 0 to 65535") }
        if let metricsPort, !(0...65_535).contains(metricsPort) { throw ValidationError("--metrics-port must be from 0 to 65535") }
        for (name, value) in [("--max-connections", maxConnections), ("--idle-timeout", idleTimeout), ("--max-ops-per-push", maxOpsPerPush),
                              ("--max-clock-skew", maxClockSkew)] where value < 1 {
            throw ValidationError("\(name) must be at least 1")
        }
        // Bounds that keep the seconds-to-nanoseconds and days-to-milliseconds arithmetic in range.
        for (name, value, most) in [("--idle-timeout", idleTimeout, Serve.yearSeconds), ("--subscriber-timeout", subscriberTimeout, Serve.yearSeconds),
                                    ("--max-clock-skew", maxClockSkew, 86_400), ("--keep-days", keepDays ?? 0, Serve.mostKeepDays)] where value > most {
            throw ValidationError("\(name) must be at most \(most)")
        }
        // A client's push line is up to 4 MiB: a smaller limit would refuse it on every retry.
        guard maxLineBytes >= SyncDaemon.Configuration.minimumMaxLineBytes else {
            throw ValidationError("--max-line-bytes must be at least \(SyncDaemon.Configuration.minimumMaxLineBytes) (clients push lines of up to 4 MiB)")
        }
        if let keepDays, keepDays < 0 { throw ValidationError("--keep-days must be 0 or more") }
        guard (tlsCert == nil) == (tlsKey == nil) else { throw ValidationError("--tls-cert and --tls-key go together") }
        // `plansync sync --watch` pings after 15 s without sending; a shorter timeout would cut live watchers.
        guard subscriberTimeout >= 30 else { throw ValidationError("--subscriber-timeout must be at least 30 (watchers ping every 15 s)") }
    }

    func run() async throws {
        // Refused before the file is opened or anything listens: one line naming the way out.
        if let refusal = SyncDaemon.listenRefusal(host: host, tls: tlsCert != nil, allowPlaintext: allowPlaintext) { throw UserError(refusal) }
        let tls = tlsCert.map { ServerTLSFiles(certificatePath: $0, keyPath: tlsKey ?? "") }
        if let tls { do { try tls.check() } catch { throw UserError("\(error)") } }
        LoggingSystem.bootstrap(StreamLogHandler.standardError)
        var logger = Logger(label: "plansyncd")
        logger.logLevel = .info
        let schema = PlanningSchema.schema
        let accessRules = try rules.map { path throws(UserError) in try loadRules(path, schema: schema) } ?? .open
        let opened = try openStorage(schema: schema, rules: accessRules)
        var configuration = SyncDaemon.Configuration(schema: schema, host: host, port: port)
        configuration.rules = accessRules
        configuration.maxConnections = maxConnections
        configuration.idleTimeout = .seconds(Int64(idleTimeout))
        configuration.subscriberTimeout = .seconds(Int64(subscriberTimeout))
        configuration.maxOpsPerPush = maxOpsPerPush
        configuration.maxLineBytes = maxLineBytes
        configuration.maxClockSkewMilliseconds = UInt64(maxClockSkew) * 1_000
        configuration.tls = tls
        configuration.allowPlaintext = allowPlaintext
        configuration.metricsPort = metricsPort
        if noCompression { configuration.compression = [] }
        logger.info("opened \(opened.name)", metadata: ["storage": "\(opened.name)", "head": "\((try? opened.storage.head()) ?? 0)"])
        if let rules { logger.info("access rules \(accessRules.version) from \(rules)", metadata: ["entries": "\(accessRules.entries.count)"]) }
        let daemon = SyncDaemon(storage: opened.storage, configuration: configuration, logger: logger)
        let reload = rules.map { RulesReload(path: $0, schema: schema, daemon: daemon, log: opened.file, logger: logger) }
        let group = ServiceGroup(services: [daemon], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
        // SIGHUP, one handler for both: load a renewed certificate (the file watch would also see
        // it within seconds), and the rules file as it is now.
        signal(SIGHUP, SIG_IGN)
        let hangup = DispatchSource.makeSignalSource(signal: SIGHUP, queue: .global())
        hangup.setEventHandler {
            try? daemon.reloadCertificate()
            reload?.run()
        }
        hangup.resume()
        defer { hangup.cancel() }
        let retention = opened.file.flatMap { log in keepDays.map { Retention(log: log, daemon: daemon, keepDays: $0, logger: logger) } }
        retention?.start()
        defer { retention?.stop() }
        do {
            try await group.run()
        } catch let error as SyncDaemonError {
            throw UserError("\(error)")
        } catch let error as ServerTLSError {
            throw UserError("\(error)")
        } catch {
            throw UserError("cannot serve on \(host):\(port): \(error)")
        }
    }
}

extension Serve {
    /// The storage `serve` runs on, opened: the SQLite file (brought up to date, with the rules
    /// kept in it for `plansyncd hash`) or the PostgreSQL database (migrated).
    struct OpenedStorage {
        let storage: any ServerLogStorage
        /// The SQLite file; nil on PostgreSQL, where compaction and kept rules are not done yet.
        let file: ServerLog?
        /// For the log: the file path or the URL without password.
        let name: String
    }

    func openStorage(schema: Schema, rules: AccessRules) throws(UserError) -> OpenedStorage {
        switch try store.backend() {
        case .postgres(let url):
            guard keepDays == nil else { throw UserError("--keep-days does not work with --postgres yet (no compaction on PostgreSQL)") }
            do { return OpenedStorage(storage: try PostgresServerLog(url: url, schema: schema), file: nil, name: "\(url)") } catch {
                throw UserError("\(url): \(error)")
            }
        case .sqlite(let path):
            let log: ServerLog
            do {
                // Its readable tables catch up in the background once the daemon started.
                log = try ServerLog(path: path, schema: schema)
            } catch {
                throw UserError("cannot open \(path): \(error)")
            }
            do { try log.saveRules(rules) } catch { throw UserError("cannot keep the rules in \(path): \(error)") }
            return OpenedStorage(storage: log, file: log, name: path)
        }
    }
}

/// Reads and checks a rules file; a bad one is one line naming the place.
func loadRules(_ path: String, schema: Schema) throws(UserError) -> AccessRules {
    do { return try RulesFile.load(path: path, schema: schema) } catch { throw UserError("rules \(error.message)") }
}

/// Reloads the rules file (on SIGHUP): good rules go in force (and into the daemon's file), bad
/// ones are logged and the rules in force stay.
struct RulesReload: Sendable {
    let path: String
    let schema: Schema
    let daemon: SyncDaemon
    /// The SQLite file that keeps the rules for `plansyncd hash`; nil on PostgreSQL.
    let log: ServerLog?
    let logger: Logger

    func run() {
        do {
            let rules = try loadRules(path, schema: schema)
            try log?.saveRules(rules)
            daemon.replaceRules(rules)
            logger.info("access rules \(rules.version) reloaded from \(path)", metadata: ["entries": "\(rules.entries.count)"])
        } catch {
            logger.error("access rules not reloaded; the rules in force stay: \(error)")
        }
    }
}
