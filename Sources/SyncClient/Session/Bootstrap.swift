import SyncModel
import SyncProtocol

extension SyncRun {
    /// Transfers tried before giving up on a snapshot that keeps being replaced.
    static let bootstrapAttempts = 5

    /// Bootstraps the replica from the daemon's snapshot (issue 14, protocol/PROTOCOL.md §9):
    /// the snapshot's pages into a new replica beside this one (resuming one a lost connection
    /// cut off, unless `rebuild`), the log after the horizon into it, then
    /// ``SyncModel/SnapshotBootstrap/finish(discarding:)`` carries the unsent ops over (less
    /// `discarding`) and swaps it in. A snapshot replaced during the transfer (`snapshot_required`
    /// again) starts it over at the new horizon. `horizon` nil takes the daemon's snapshot as it
    /// is (horizon 0, empty, when the log was never compacted: the rebuild then reads the whole
    /// log), which is how ``SyncClient/rebuild(discarding:)`` brings a replica back to the daemon's state.
    mutating func bootstrap(on connection: SessionConnection, horizon first: UInt64?, rebuild: Bool = false,
                            discarding: [Op] = []) async throws(SyncClientError) {
        var horizon = first
        for _ in 0..<SyncRun.bootstrapAttempts {
            do throws(SyncClientError) {
                try await transfer(horizon, afresh: rebuild, discarding: discarding, on: connection)
                return
            } catch .server(.snapshotRequired, let message) where connection.isOpen {
                guard let next = connection.refusedHorizon else { throw .server(code: .snapshotRequired, message: message) }
                options.logger.notice("the daemon's snapshot moved from \(horizon.map(String.init) ?? "?") to \(next) during the transfer; starting again")
                horizon = next
            }
        }
        throw .server(code: .snapshotRequired, message: "the daemon's snapshot changed \(SyncRun.bootstrapAttempts) times during the transfer; sync again")
    }

    private mutating func transfer(_ asked: UInt64?, afresh: Bool, discarding: [Op], on connection: SessionConnection) async throws(SyncClientError) {
        let limit = max(1, options.pullLimit)
        guard case .snapshotPage(let first, var followUp) = try await connection.request({ $0.snapshot(horizon: asked, after: nil, limit: limit) },
                                                                                          awaiting: "snapshot_page") else {
            throw .protocolViolation("expected snapshot_page for a snapshot request")
        }
        let horizon = first.horizon
        let replica = replica
        let target = try replicaCall("beginning the bootstrap") {
            try replica.bootstrap(horizon: horizon, versionVector: first.versionVector, afresh: afresh)
        }
        options.logger.notice("the daemon's log is compacted through position \(horizon): bootstrapping this replica from its snapshot")
        options.onEvent?(.bootstrapping(horizon: horizon))
        // A transfer cut off before resumes after what it installed; else the first page is used.
        var pending: SnapshotPage? = try replicaCall("reading the bootstrap") { try target.resumeAfter() } == nil ? first : nil
        while try !replicaCall("reading the bootstrap", { try target.isComplete() }) {
            let page: SnapshotPage
            if let p = pending {
                page = p
                pending = nil
            } else {
                let after = try replicaCall("reading the bootstrap") { try target.resumeAfter() }
                let reply: ClientSession.Event
                if let f = followUp, case .snapshot(let request) = f, request.after == after {
                    try await connection.send(f)
                    reply = try await connection.reply(awaiting: "snapshot_page")
                } else {
                    reply = try await connection.request({ $0.snapshot(horizon: horizon, after: after, limit: limit) }, awaiting: "snapshot_page")
                }
                guard case .snapshotPage(let p, let next) = reply else { throw .protocolViolation("expected snapshot_page for a snapshot request") }
                page = p
                followUp = next
            }
            try replicaCall("installing \(page.records.count) snapshot rows") {
                try target.install(page.records, next: page.next, complete: !page.more)
            }
            summary.snapshotRows += page.records.count
        }
        let since = try replicaCall("reading the bootstrap cursor") { try target.cursor() }
        var unchecked: VersionVector?
        try await pullPages(on: connection, since: since, into: .bootstrap(target), seen: &unchecked)
        try replicaCall("swapping in the bootstrapped replica") { try target.finish(discarding: discarding) }
        summary.bootstrapped = horizon
        options.logger.notice("bootstrapped from the snapshot at position \(horizon)")
    }
}
