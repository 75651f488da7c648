import Foundation
import Logging
import Planning
import SyncClient
import SyncModel
import SyncServer
import SyncStore

/// An in-process daemon on a free loopback port over a SQLite log in the scratch folder, and
/// replicas that sync with it; with `tls`, over TLS with a self-signed certificate the replicas pin.
final class DaemonFixture: Sendable {
    let log: ServerLog
    let daemon: SyncDaemon
    let port: Int
    let scratch: Scratch
    /// The pin of the daemon's certificate when it serves TLS.
    let trust: ServerTrust?

    init(scratch: Scratch, tls: Bool = false) async throws {
        self.scratch = scratch
        log = try ServerLog(path: scratch.file("server.sqlite"), schema: PlanningSchema.schema)
        var files: ServerTLSFiles?
        if tls {
            let issued = try CertificateFactory.selfSigned(hosts: ["127.0.0.1"], days: 1)
            files = ServerTLSFiles(certificatePath: scratch.file("cert.pem"), keyPath: scratch.file("key.pem"))
            try Data(issued.certificatePEM.utf8).write(to: URL(fileURLWithPath: scratch.file("cert.pem")))
            try Data(issued.privateKeyPEM.utf8).write(to: URL(fileURLWithPath: scratch.file("key.pem")))
            trust = .pinned(sha256: issued.fingerprint)
        } else {
            trust = nil
        }
        daemon = DaemonFixture.daemon(log, port: 0, maxConnections: 4_096, tls: files)
        port = try await daemon.start()
    }

    /// A daemon on loopback `port` over `log`, with the default configuration but
    /// `maxConnections` (when given) and TLS (when given), logging nothing.
    static func daemon(_ log: any ServerLogStorage, port: Int, maxConnections: Int? = nil, tls: ServerTLSFiles? = nil) -> SyncDaemon {
        var configuration = SyncDaemon.Configuration(schema: PlanningSchema.schema, host: "127.0.0.1", port: port)
        configuration.tls = tls
        if let maxConnections { configuration.maxConnections = maxConnections }
        return SyncDaemon(storage: log, configuration: configuration, logger: .init(label: "plansync-bench") { _ in SwiftLogNoOpLogHandler() })
    }

    /// A new replica file bound to this daemon with a fresh token.
    func replica(_ name: String, department: String) throws -> ReplicaStore {
        let token = try log.addToken(department: department)
        return try ReplicaStore.create(at: scratch.file("\(name).sqlite"),
                                       identity: ReplicaIdentity(node: name, department: department, server: "127.0.0.1:\(port)", token: token, tls: trust),
                                       schema: PlanningSchema.schema)
    }

    /// A client of `replica`; plain lines unless `options` offers compression (`sync_deflate`),
    /// so every other scenario measures what it measured before compression existed.
    func client(_ replica: ReplicaStore, options: SyncClientOptions = DaemonFixture.plainOptions) -> SyncClient {
        var options = options
        options.logger = .init(label: "plansync-bench") { _ in SwiftLogNoOpLogHandler() }
        return SyncClient(replica: replica, schemaVersion: PlanningSchema.version, options: options)
    }

    func stop() async { await daemon.shutdown() }

    /// Default options without compression.
    static var plainOptions: SyncClientOptions {
        var options = SyncClientOptions()
        options.compression = []
        return options
    }
}

/// Bytes received on the loopback interface so far, from /proc/net/dev (Linux); nil elsewhere.
func loopbackBytes() -> UInt64? {
    guard let text = try? String(contentsOfFile: "/proc/net/dev", encoding: .utf8) else { return nil }
    for line in text.split(separator: "\n") {
        let parts = line.split(separator: ":", maxSplits: 1)
        guard parts.count == 2, parts[0].trimmingCharacters(in: .whitespaces) == "lo" else { continue }
        return parts[1].split(separator: " ").first.flatMap { UInt64($0) }
    }
    return nil
}

/// Runs an async body from the synchronous command, on a fresh task.
func blocking<T: Sendable>(_ body: @escaping @Sendable () async throws -> T) throws -> T {
    let box = ResultBox<T>()
    let done = DispatchSemaphore(value: 0)
    Task {
        do { box.set(.success(try await body())) } catch { box.set(.failure(error)) }
        done.signal()
    }
    done.wait()
    return try box.get()
}

final class ResultBox<T: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var result: Result<T, any Error>?

    func set(_ r: Result<T, any Error>) { lock.withLock { result = r } }

    func get() throws -> T {
        guard let r = lock.withLock({ result }) else { throw BenchError("no result") }
        return try r.get()
    }
}

struct BenchError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
