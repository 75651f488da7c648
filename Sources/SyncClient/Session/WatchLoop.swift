import NIOCore
import SyncModel

/// `watch`: keeps a ``WatchSession`` running, reconnecting after transient failures with
/// jittered exponential backoff (``Backoff``) and resuming from the replica's cursor each time.
/// A refusal that retrying cannot cure (`auth_failed`: a revoked or expired token; a TLS
/// failure) ends it with that error.
struct WatchLoop {
    let replica: any SyncingReplica
    let schemaVersion: Int
    let group: any EventLoopGroup
    let options: SyncClientOptions

    /// Runs until cancelled (returns) or a refusal that retrying cannot fix (throws).
    func run() async throws(SyncClientError) {
        var backoff = Backoff(initial: options.initialBackoff, cap: options.maxBackoff)
        var random = SystemRandomNumberGenerator()
        while !Task.isCancelled {
            var opened: ContinuousClock.Instant?
            do {
                try await session { opened = .now }
            } catch .cancelled {
                return
            } catch where error.isTransient {
                // A session that stayed up longer than the longest delay was healthy: start over.
                // One dropped right after `welcome` keeps backing off.
                if let opened, ContinuousClock.now - opened > options.maxBackoff.duration { backoff.reset() }
                let delay = backoff.next(jitter: &random)
                let seconds = Double(delay.nanoseconds) / 1e9
                options.logger.warning("sync session ended: \(error); retrying in \(seconds) s")
                options.onEvent?(.disconnected(error, retryIn: seconds))
                do { try await Task.sleep(for: delay.duration) } catch { return }
            }
        }
    }

    private func session(onOpen: () -> Void) async throws(SyncClientError) {
        let identity = try replicaCall("reading the identity") { try replica.identity() }
        let target = try SessionTarget(identity: identity, options: options, schemaVersion: schemaVersion)
        let cursor = try Greeting.cursorBeforeHello(replica)
        let connection = try await SessionConnection.open(target, group: group, options: options)
        do throws(SyncClientError) {
            let greeting = try Greeting.accept(connection.welcome, cursor: cursor, department: identity.department, replica: replica, options: options)
            onOpen()
            // The outbox goes first, with the repairs `sync` makes; what they cannot cure stops watch.
            var push = try SyncRun(replica: replica, node: identity.node, options: options, welcome: connection.welcome)
            try await push.pushOnly(on: connection, greeting: greeting)
            try await push.recheckMark(on: connection)
            var watch = try WatchSession(replica: replica, node: identity.node, options: push.options)
            do throws(SyncClientError) {
                try await watch.run(on: connection)
            } catch .server(.snapshotRequired, _) where connection.isOpen {
                // The log was compacted past the cursor: bootstrap (as `sync` does), then watch again.
                try await push.pullAll(on: connection)
                var again = try WatchSession(replica: replica, node: identity.node, options: options)
                try await again.run(on: connection)
            }
        } catch {
            await connection.close()
            throw error
        }
    }
}
