import Dispatch
import Foundation
import Logging
import NIOCore
import NIOPosix
import SyncModel
import SyncProtocol

/// The daemon's side of the log, shared by all connections. Its concurrency model, in one place:
/// storage calls block, so none runs on an event loop; reads (pulls, snapshot pages, catch-ups,
/// a lagging subscriber's pages) run on the daemon's thread pool; commits, subscriber registration,
/// fan-out and every change to a subscriber's cursor run one at a time on a serial queue. That
/// queue is what makes the stream of each subscriber exact: a subscriber is registered at the
/// position it has been sent up to, and every later commit is sent to it from there, so no
/// position is skipped or sent twice. A subscriber that reads slower than commits arrive leaves
/// live fan-out and is fed page by page from storage, each page read on the pool and sent once
/// the previous one was written, so it costs neither the commit path nor unbounded memory.
final class LogHub: @unchecked Sendable {
    /// What came of a push.
    enum CommitOutcome: Sendable {
        case committed(LogCommit)
        case refused(Admission.Refusal)
        case failed(String)
    }

    private struct Subscriber {
        let subscriptionID: Int64
        /// The subscriber's department: it is sent only ops of collections it may read.
        let department: String
        /// The last position sent.
        var cursor: UInt64
        let channel: any Channel
        /// True while the subscriber reads slower than commits arrive: it is then fed one page
        /// at a time, each after the previous one was written to the socket.
        var lagging = false
    }

    let storage: any ServerLogStorage
    let clock: ServerClock
    /// This daemon's metrics (``DaemonMetrics``).
    let metrics = DaemonMetrics()
    private let configuration: SyncDaemon.Configuration
    private let logger: Logger
    private let threadPool: NIOThreadPool
    private let commitQueue = DispatchQueue(label: "plansyncd.commit")
    private let materializeQueue = DispatchQueue(label: "plansyncd.materialize")
    /// Connection id → subscriber; touched only on `commitQueue`.
    private var subscribers: [UInt64: Subscriber] = [:]
    /// Counts commits that appended ops; touched only on `commitQueue`. A laggard's page read off
    /// the queue compares it before and after, to know whether commits came meanwhile.
    private var commitCount: UInt64 = 0
    private let materializeLock = NSLock()
    /// When the readable replica is next brought up to date; touched under `materializeLock`.
    private var materializeTimer: MaterializeTimer
    /// The newest ops, encoded once at commit for fan-out, pulls and catch-ups.
    private let recent: RecentOps
    private let rulesLock = NSLock()
    /// The access rules in force; replaced on reload (SIGHUP). Touched under `rulesLock`.
    private var currentRules: AccessRules
    /// The horizon of the last compaction this process knows of: pages from below it are never
    /// cut from the recent ops (storage answers them with ``SyncModel/SnapshotRequired``).
    /// Touched under `rulesLock`.
    private var knownHorizon: UInt64 = 0

    init(storage: any ServerLogStorage, configuration: SyncDaemon.Configuration, logger: Logger, threadPool: NIOThreadPool) {
        self.storage = storage
        self.configuration = configuration
        self.logger = logger
        self.threadPool = threadPool
        clock = ServerClock(maxSkewMilliseconds: configuration.maxClockSkewMilliseconds, wall: configuration.wallClock)
        materializeTimer = MaterializeTimer(quietNanoseconds: configuration.materializeQuietPeriod.nanoseconds,
                                            maxDelayNanoseconds: configuration.materializeMaxDelay.nanoseconds)
        recent = RecentOps(budget: configuration.recentOpsBytes)
        currentRules = configuration.rules
    }

    // MARK: Rules

    /// The access rules in force.
    var rules: AccessRules { rulesLock.withLock { currentRules } }

    /// Pulls from below `horizon` go to storage, which refuses them (``SyncDaemon/noteCompaction(horizon:)``).
    func noteCompaction(horizon: UInt64) {
        rulesLock.withLock { knownHorizon = max(knownHorizon, horizon) }
    }

    /// Whether a page after `since` may be cut from the recent ops.
    private func servesFromMemory(since: UInt64) -> Bool {
        rulesLock.withLock { since >= knownHorizon }
    }

    /// Puts new rules in force: later pushes, pages and hellos follow them.
    func replaceRules(_ rules: AccessRules) {
        rulesLock.withLock { currentRules = rules }
    }

    /// The collections `department` may not read under `rules`, nil when it may read all (then
    /// the shared, unfiltered pages serve it).
    static func hidden(from department: String, by rules: AccessRules) -> AccessRules? {
        rules.entries.contains { $0.access == .read && !$0.allows(department) } ? rules : nil
    }

    // MARK: Reads

    /// What the storage says of the token now (its use noted) and the log head. The horizon is
    /// read too (one row): a compaction another process made on the same file (`plansyncd
    /// compact`) is noticed at the next hello, so that connection's pulls from below it get
    /// `snapshot_required` even while the recent ops in memory still reach back that far.
    func authenticate(token: String, on eventLoop: any EventLoop) -> EventLoopFuture<(check: TokenCheck, head: UInt64)> {
        let storage = storage, now = configuration.wallClock()
        return threadPool.runIfActive(eventLoop: eventLoop) { [self] in
            let check = try storage.checkToken(token, nowMilliseconds: now, recordUse: true)
            noteCompaction(horizon: try storage.horizon())
            return (check, try storage.head())
        }
    }

    /// Re-checks `tokens` (revoked or expired since their `welcome`?) without noting a use.
    func recheck(tokens: Set<String>, on eventLoop: any EventLoop) -> EventLoopFuture<[String: TokenCheck]> {
        let storage = storage, now = configuration.wallClock()
        return threadPool.runIfActive(eventLoop: eventLoop) {
            var checks: [String: TokenCheck] = [:]
            for token in tokens { checks[token] = try storage.checkToken(token, nowMilliseconds: now, recordUse: false) }
            return checks
        }
    }

    /// The state hash of what `department` may read under the rules in force, on the thread pool.
    func stateHash(department: String, on eventLoop: any EventLoop) -> EventLoopFuture<ScopeHash> {
        let storage = storage, schema = configuration.schema, rules = rules
        return threadPool.runIfActive(eventLoop: eventLoop) {
            try ScopeHash(of: department, rules: rules, schema: schema, in: storage)
        }
    }

    /// At most `limit` ops after `since`, cut to the page byte budget: straight from the recent
    /// ops when they reach back that far, else read and encoded on the thread pool.
    func pull(since: UInt64, limit: Int, department: String, on eventLoop: any EventLoop) -> EventLoopFuture<EncodedPage> {
        if LogHub.hidden(from: department, by: rules) == nil, servesFromMemory(since: since),
           let page = recent.page(since: since, limit: limit, maxBytes: configuration.maxPageBytes) {
            return eventLoop.makeSucceededFuture(page)
        }
        return threadPool.runIfActive(eventLoop: eventLoop) { [self] in try self.page(since: since, limit: limit, department: department) }
    }

    /// The page after `since` (at most `limit` ops within the page byte budget), from the recent
    /// ops or read from storage and encoded. Storage is read op by op and the read stops at the
    /// first op the page has no room for, so a page costs about its own bytes, not `limit` ops
    /// (ops of large texts fill 4 MiB with a dozen ops). Blocks on storage.
    func page(since: UInt64, limit: Int, department: String) throws -> EncodedPage {
        let maxBytes = configuration.maxPageBytes
        if let rules = LogHub.hidden(from: department, by: rules) {
            return try ScopedPage.read(storage, since: since, limit: limit, maxBytes: maxBytes) { rules.mayRead(department, $0.collection) }.page
        }
        if servesFromMemory(since: since), let page = recent.page(since: since, limit: limit, maxBytes: maxBytes) { return page }
        var writer = PageWriter(limit: limit, maxBytes: maxBytes)
        var next = since
        var more = false
        // One op past a full page is read (not encoded when the count limit stopped it) to learn `more`.
        try storage.forEachOp(since: since, limit: limit + 1) { op in
            guard try writer.append(op) else {
                more = true
                return false
            }
            next = try LogHub.lastPosition(of: CollectionOfOne(op), after: next)
            return true
        }
        let (json, count) = writer.finish()
        return EncodedPage(json: json, count: count, next: next, more: more)
    }

    /// A page of the snapshot for `department` (only the collections it may read), read on the
    /// thread pool; fails with ``SyncModel/SnapshotRequired`` when the snapshot is no longer at
    /// `horizon`.
    func snapshotPage(horizon: UInt64?, after: SnapshotKey?, limit: Int, department: String, on eventLoop: any EventLoop) -> EventLoopFuture<SnapshotPage> {
        let storage = storage, rules = rules, maxBytes = configuration.maxPageBytes
        return threadPool.runIfActive(eventLoop: eventLoop) {
            try storage.snapshotPage(horizon: horizon, after: after, limit: limit, maxBytes: maxBytes) { rules.mayRead(department, $0) }
        }
    }

    /// ``page(since:limit:department:)`` and the position a subscriber's stream goes on from:
    /// past the ops passed over as hidden from `department`, else the page's `next`.
    private func streamPage(since: UInt64, limit: Int, department: String) throws -> (page: EncodedPage, through: UInt64) {
        if let rules = LogHub.hidden(from: department, by: rules) {
            return try ScopedPage.read(storage, since: since, limit: limit, maxBytes: configuration.maxPageBytes) { rules.mayRead(department, $0.collection) }
        }
        let page = try page(since: since, limit: limit, department: department)
        return (page, page.next)
    }

    // MARK: Commits

    /// Commits a push on the serial queue; on success sends the new ops to every subscriber
    /// before the future completes (so a subscribed pusher sees its `changes` before its `ack`),
    /// then has the readable replica brought up to date in the background (see ``MaterializeTimer``).
    func commit(_ ops: [Op], node: String, department: String, on eventLoop: any EventLoop) -> EventLoopFuture<CommitOutcome> {
        let promise = eventLoop.makePromise(of: CommitOutcome.self)
        commitQueue.async { [self] in
            let outcome: CommitOutcome
            do {
                try Admission.checkAccess(ops, department: department, rules: rules)
                let started = DispatchTime.now().uptimeNanoseconds
                let result = try storage.commit(ops, pushedBy: node, department: department, schema: configuration.schema,
                                                wallMilliseconds: clock.wallMilliseconds(),
                                                maxSkewMilliseconds: configuration.maxClockSkewMilliseconds)
                metrics.committed(result, since: started)
                clock.observe(result.appended)
                if !result.appended.isEmpty {
                    commitCount &+= 1
                    recent.append(result.appended)
                    fanOut(result.appended)
                    scheduleMaterialize(ops: result.appended.count)
                }
                outcome = .committed(result)
            } catch let refusal as Admission.Refusal {
                outcome = .refused(refusal)
            } catch {
                logger.error("commit failed", metadata: ["error": "\(error)", "node": "\(node)"])
                outcome = .failed("the server could not store the push: \(error)")
            }
            promise.succeed(outcome)
        }
        return promise.futureResult
    }

    // MARK: Subscriptions

    /// Sends `channel` every op after `since` as `changes` tagged `subscriptionID` (the last one
    /// with `more` false), then registers it for live commits. While far behind it reads and sends
    /// page by page off the commit queue, waiting for each write, so catching up neither blocks
    /// commits nor floods a slow reader; the last stretch and the registration run on the queue.
    /// Runs on event-loop futures and the thread pool, never on Swift's cooperative pool, so an
    /// embedding process whose tasks block that pool (a test runner) cannot stall subscribers.
    func subscribe(connection: UInt64, subscriptionID: Int64, department: String, since: UInt64, channel: any Channel) -> EventLoopFuture<Void> {
        let eventLoop = channel.eventLoop
        let pageLimit = configuration.maxPullLimit
        return threadPool.runIfActive(eventLoop: eventLoop) { [self] in try self.page(since: since, limit: pageLimit, department: department) }
            .flatMap { [self] read in
                guard read.more else {
                    return register(connection: connection, subscriptionID: subscriptionID, department: department, caughtUpTo: since, channel: channel)
                }
                return channel.writeAndFlush(WireEncoder.changesLine(id: subscriptionID, page: read)).flatMap { [self] in
                    subscribe(connection: connection, subscriptionID: subscriptionID, department: department, since: read.next, channel: channel)
                }
            }
    }

    /// Sends the last stretch and registers the subscriber, on the commit queue.
    private func register(connection: UInt64, subscriptionID: Int64, department: String, caughtUpTo: UInt64, channel: any Channel) -> EventLoopFuture<Void> {
        let promise = channel.eventLoop.makePromise(of: Void.self)
        commitQueue.async { [self] in
            do {
                var subscriber = Subscriber(subscriptionID: subscriptionID, department: department, cursor: caughtUpTo, channel: channel)
                try catchUp(&subscriber, announceEmpty: true)
                subscribers[connection] = subscriber
                promise.succeed(())
            } catch {
                promise.fail(error)
            }
        }
        return promise.futureResult
    }

    /// Forgets the connection's subscription, if any.
    func unsubscribe(connection: UInt64) {
        commitQueue.async { [self] in _ = subscribers.removeValue(forKey: connection) }
    }

    /// The log head, how far the furthest-behind live subscriber is behind it (0 with none) and how
    /// many there are, on the commit queue so that no commit of this daemon falls between the
    /// head and the cursors (``DaemonMetrics``). A subscriber still in its first catch-up is not counted.
    func subscriberLag(on eventLoop: any EventLoop) -> EventLoopFuture<(head: UInt64, lag: UInt64, subscribers: Int)> {
        let promise = eventLoop.makePromise(of: (head: UInt64, lag: UInt64, subscribers: Int).self)
        commitQueue.async { [self] in
            promise.completeWith(Result {
                let head = try storage.head()
                return (head, subscribers.values.map { head - min(head, $0.cursor) }.max() ?? 0, subscribers.count)
            })
        }
        return promise.futureResult
    }

    /// Waits until the commit in progress, if any, is done and the readable replica has caught
    /// up with it (a materialization still waiting for its turn runs now).
    func drain() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            commitQueue.async { [self] in
                materializeQueue.async { [self] in
                    if materializeLock.withLock({ materializeTimer.takeAll() }) { materialize() }
                    continuation.resume()
                }
            }
        }
    }

    // MARK: On the commit queue

    private func fanOut(_ appended: [Op]) {
        guard !subscribers.isEmpty, let first = appended.first?.log, let last = appended.last?.log else { return }
        let pages: [EncodedPage]
        do {
            pages = try commitPages(appended, first: first, last: last)
        } catch {
            // Validated ops always encode; should one not, the subscribers must not miss it silently.
            logger.error("could not encode committed ops; closing subscriptions", metadata: ["error": "\(error)"])
            for subscriber in subscribers.values { subscriber.channel.close(promise: nil) }
            subscribers.removeAll()
            return
        }
        let rules = rules
        var scoped: [ExactText: [EncodedPage]] = [:]
        for (connection, var subscriber) in subscribers where !subscriber.lagging {
            if subscriber.cursor + 1 == first, subscriber.channel.isWritable {
                var pages = pages
                if let rules = LogHub.hidden(from: subscriber.department, by: rules) {
                    let key = ExactText(subscriber.department)
                    if scoped[key] == nil {
                        do {
                            scoped[key] = try ScopedPage.commitPages(appended, maxBytes: configuration.maxPageBytes) {
                                rules.mayRead(subscriber.department, $0.collection)
                            }
                        } catch {
                            logger.error("could not encode committed ops; closing a subscription", metadata: ["error": "\(error)"])
                            subscriber.channel.close(promise: nil)
                            subscribers.removeValue(forKey: connection)
                            continue
                        }
                    }
                    pages = scoped[key] ?? []
                }
                for page in pages {
                    subscriber.channel.writeAndFlush(WireEncoder.changesLine(id: subscriber.subscriptionID, page: page), promise: nil)
                }
                subscriber.cursor = last
                subscribers[connection] = subscriber
            } else if subscriber.cursor < last {
                // A slow reader (its socket buffer is full), or a cursor not where this commit
                // starts: feed it from storage at its own pace instead of buffering without end.
                logger.debug("subscriber lags; feeding it from storage", metadata: ["connection": "\(connection)", "cursor": "\(subscriber.cursor)"])
                subscriber.lagging = true
                subscribers[connection] = subscriber
                feed(connection)
            }
        }
    }

    /// Sends a lagging subscriber its next page from storage; once the page is written to the
    /// socket, the next one follows. Caught up, it goes back to live fan-out. On the commit queue,
    /// but the page is read and encoded on the thread pool: a laggard's catch-up never holds up
    /// a commit (issue 15). While the page is read the subscriber stays `lagging`, so fan-out
    /// leaves it alone and its cursor moves only here.
    private func feed(_ connection: UInt64) {
        guard let subscriber = subscribers[connection], subscriber.lagging else { return }
        let since = subscriber.cursor, department = subscriber.department, mark = commitCount
        threadPool.runIfActive(eventLoop: subscriber.channel.eventLoop) { [self] in
            try streamPage(since: since, limit: configuration.maxPullLimit, department: department)
        }.whenComplete { [self] read in
            commitQueue.async { [self] in fed(connection, since: since, mark: mark, read) }
        }
    }

    /// The commit-queue half of ``feed(_:)``: sends the page read from `since`, or returns the
    /// subscriber to live fan-out when nothing was left to read and no commit came since `mark`.
    private func fed(_ connection: UInt64, since: UInt64, mark: UInt64, _ read: Result<(page: EncodedPage, through: UInt64), any Error>) {
        guard var subscriber = subscribers[connection], subscriber.lagging, subscriber.cursor == since else { return }
        switch read {
        case .failure(let error):
            logger.error("subscriber catch-up failed; closing it", metadata: ["error": "\(error)", "connection": "\(connection)"])
            subscriber.channel.close(promise: nil)
            subscribers.removeValue(forKey: connection)
        case .success(let (page, through)) where page.count == 0:
            // Nothing readable was left (ops passed over were hidden from this subscriber).
            subscriber.cursor = max(subscriber.cursor, through)
            if commitCount == mark {
                subscriber.lagging = false
                subscribers[connection] = subscriber
            } else {
                // Commits came while the page was read: they may lie past what was read.
                subscribers[connection] = subscriber
                feed(connection)
            }
        case .success(let (page, through)):
            let written = subscriber.channel.writeAndFlush(WireEncoder.changesLine(id: subscriber.subscriptionID, page: page))
            subscriber.cursor = page.more ? page.next : through
            subscribers[connection] = subscriber
            written.whenComplete { [self] result in
                commitQueue.async { [self] in
                    if case .failure = result {
                        subscribers.removeValue(forKey: connection)
                    } else {
                        feed(connection)
                    }
                }
            }
        }
    }

    /// Sends every op after the subscriber's cursor; the last page has `more` false. With
    /// `announceEmpty`, an empty `changes` tells the subscriber it is caught up when nothing was new.
    private func catchUp(_ subscriber: inout Subscriber, announceEmpty: Bool) throws {
        var sentAny = false
        while true {
            let (page, through) = try streamPage(since: subscriber.cursor, limit: configuration.maxPullLimit, department: subscriber.department)
            if page.count == 0, sentAny || !announceEmpty {
                subscriber.cursor = max(subscriber.cursor, through)
                return
            }
            subscriber.channel.writeAndFlush(WireEncoder.changesLine(id: subscriber.subscriptionID, page: page), promise: nil)
            subscriber.cursor = page.more ? page.next : through
            sentAny = true
            if !page.more { return }
        }
    }

    private func scheduleMaterialize(ops: Int) {
        let arm = materializeLock.withLock { materializeTimer.committed(ops: ops, at: DispatchTime.now().uptimeNanoseconds) }
        if let delay = arm { armMaterialize(after: delay) }
    }

    private func armMaterialize(after nanoseconds: UInt64) {
        materializeQueue.asyncAfter(deadline: .now() + .nanoseconds(Int(clamping: nanoseconds))) { [self] in
            switch materializeLock.withLock({ materializeTimer.fired(at: DispatchTime.now().uptimeNanoseconds) }) {
            case .run:
                materialize()
            case .wait(let delay):
                armMaterialize(after: delay)
            case .idle:
                break
            }
        }
    }

    /// On `materializeQueue`.
    private func materialize() {
        do { try storage.materialize() } catch {
            logger.error("materialize failed; the readable tables lag the log", metadata: ["error": "\(error)"])
        }
    }

    // MARK: Helpers

    /// A commit's ops (positions `first…last`) as pages within the byte budget: cut from the
    /// recent ops, which hold them unless they could not be encoded there.
    private func commitPages(_ appended: [Op], first: UInt64, last: UInt64) throws -> [EncodedPage] {
        var pages: [EncodedPage] = []
        var since = first - 1
        while since < last, let page = recent.page(since: since, limit: .max, maxBytes: configuration.maxPageBytes), page.count > 0 {
            pages.append(EncodedPage(json: page.json, count: page.count, next: page.next, more: page.next != last))
            since = page.next
        }
        if since == last { return pages }
        pages.removeAll()
        var rest = appended[...]
        while !rest.isEmpty {
            let (json, count) = try Paging.encode(rest, limit: .max, maxBytes: configuration.maxPageBytes)
            let next = try LogHub.lastPosition(of: rest.prefix(count), after: last)
            pages.append(EncodedPage(json: json, count: count, next: next, more: next != last))
            rest = rest.dropFirst(count)
        }
        return pages
    }

    /// The log position of the last op, or `since` when there is none.
    static func lastPosition(of ops: some BidirectionalCollection<Op>, after since: UInt64) throws -> UInt64 {
        guard let last = ops.last else { return since }
        guard let position = last.log else { throw StorageContractError.missingPosition(last.dot) }
        return position
    }
}

/// The storage broke its contract.
enum StorageContractError: Error, CustomStringConvertible {
    case missingPosition(Dot)

    var description: String {
        switch self {
        case .missingPosition(let dot): "the log returned op \(dot) without a position"
        }
    }
}
