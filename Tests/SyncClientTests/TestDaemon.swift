import Foundation
import Planning
import SyncClient
import SyncModel
import SyncServer
import SyncStore
import Testing

/// The real daemon on 127.0.0.1, a free port, over an in-memory log; one per test.
struct TestDaemon {
    let log: MemoryServerLog
    let daemon: SyncDaemon
    let port: Int

    /// Starts a daemon; `port` 0 picks a free one, a given port restarts on it (same log).
    static func start(log: MemoryServerLog = MemoryServerLog(), port: Int = 0,
                      configure: (inout SyncDaemon.Configuration) -> Void = { _ in }) async throws -> TestDaemon {
        var configuration = SyncDaemon.Configuration(schema: PlanningSchema.schema, host: "127.0.0.1", port: port)
        configuration.shutdownGracePeriod = .milliseconds(200)
        configure(&configuration)
        let daemon = SyncDaemon(storage: log, configuration: configuration)
        let bound = try await daemon.start()
        return TestDaemon(log: log, daemon: daemon, port: bound)
    }

    var address: String { "127.0.0.1:\(port)" }

    /// A new SQLite replica `NODE.sqlite` in `folder`, of `department`, with its own token for this daemon.
    func store(_ node: String, _ department: String, in folder: URL) throws -> ReplicaStore {
        let identity = ReplicaIdentity(node: node, department: department, server: address, token: log.addToken(department: department))
        return try ReplicaStore.create(at: folder.appendingPathComponent("\(node).sqlite").path, identity: identity, schema: PlanningSchema.schema)
    }

    /// A fresh replica of `department` with its own token for this daemon.
    func replica(_ node: String, department: String, server: String? = nil) -> MemoryReplica {
        MemoryReplica(node: node, department: department, server: server ?? address,
                      token: log.addToken(department: department), schema: PlanningSchema.schema)
    }

    func stop() async { await daemon.shutdown() }
}

/// Runs `body` with a started daemon and always shuts it down.
func withDaemon<T>(configure: (inout SyncDaemon.Configuration) -> Void = { _ in },
                   _ body: (TestDaemon) async throws -> T) async throws -> T {
    let daemon = try await TestDaemon.start(configure: configure)
    do {
        let result = try await body(daemon)
        await daemon.stop()
        return result
    } catch {
        await daemon.stop()
        throw error
    }
}

/// Options for tests: short timeouts and backoff so failures show fast.
func testOptions(_ edit: (inout SyncClientOptions) -> Void = { _ in }) -> SyncClientOptions {
    var options = SyncClientOptions()
    // Generous: on a loaded two-core machine a loopback connect has taken over 2 s.
    options.connectTimeout = .seconds(10)
    options.requestTimeout = .seconds(5)
    options.outboxPollInterval = .milliseconds(50)
    options.initialBackoff = .milliseconds(50)
    options.maxBackoff = .milliseconds(400)
    edit(&options)
    return options
}

/// ``testOptions(_:)`` without compression, for clients behind a relay that reads their lines (``DroppingProxy``).
func plainOptions(_ edit: (inout SyncClientOptions) -> Void = { _ in }) -> SyncClientOptions {
    testOptions {
        $0.compression = []
        edit(&$0)
    }
}

func client(_ replica: MemoryReplica, _ options: SyncClientOptions = testOptions()) -> SyncClient {
    SyncClient(replica: replica, schemaVersion: PlanningSchema.version, options: options)
}

/// Polls `condition` every 20 ms for up to `seconds`; returns whether it became true. The default
/// is wide because it is only paid on failure: a full parallel run on two cores has made a TLS
/// watch take more than 10 s to connect.
func eventually(within seconds: Double = 60, _ condition: () throws -> Bool) async throws -> Bool {
    let deadline = Date().addingTimeInterval(seconds)
    while Date() < deadline {
        if try condition() { return true }
        try await Task.sleep(for: .milliseconds(20))
    }
    return try condition()
}

/// Collects ``SyncEvent``s from a client's callback.
final class EventLog: @unchecked Sendable {
    private let lock = NSLock()
    private var events: [SyncEvent] = []

    var handler: @Sendable (SyncEvent) -> Void { { [self] event in lock.withLock { events.append(event) } } }
    var all: [SyncEvent] { lock.withLock { events } }
}

/// The ``SyncClientError`` `body` throws, nil when it succeeds; any other error is a test failure.
func failure(of body: () async throws -> Void) async -> SyncClientError? {
    do {
        try await body()
        return nil
    } catch let error as SyncClientError {
        return error
    } catch {
        Issue.record("expected a SyncClientError, got \(error)")
        return nil
    }
}
