import Dispatch
import Foundation
import Logging
import NIOCore
import NIOPosix
import SyncModel
import SyncProtocol

/// The daemon's side of the log, shared by all connections. Its concurrency model, in one place:
/// storage calls block, so none runs on an event loop; catch-up reads (pulls from storage, snapshot
/// pages, a subscription's backlog, a lagging subscriber's pages) run on the low-priority
/// ``CatchUpPool``, so a client catching up uses the CPU that writers leave; token checks and state
/// hashes run on the daemon's thread pool; commits, subscriber registration,
/// fan-out and every change to a subscriber's cursor run one at a time on a serial queue (the
/// pushes that wait there meanwhile are committed as one group, ``PushGroup``). That
/// queue is what makes the stream of each subscriber exact: a subscriber is registered at the
/// position it has been sent up to, and every later commit is sent to it from there, so no
/// position is skipped or sent twice. A subscriber that reads slower than commits arrive leaves
/// live fan-out and is fed page by page from storage, each page read on the pool and sent once
/// the previous one was written, so it costs neither the commit path nor unbounded memory.
///
/// Other daemons may append to the same log (``SyncModel/SharedLogStorage``). The hub then
/// *delivers* (puts in the recent ops and fans out) every position exactly once and in order,
/// whoever committed it, and `delivered` is the last one; on the commit queue:
/// - a wake from ``SyncModel/SharedLogStorage/watchCommits(_:)`` queues one catch-up read (wakes
///   coalesce: at most one queued) that reads the ops after `delivered` from storage, run by run,
///   and delivers them;
/// - a local commit whose first position is beyond `delivered + 1` first reads and delivers the
///   gap (another daemon's ops), then its own ops; should that read fail, a catch-up read retried
///   each second delivers both, never the commit ahead of the gap;
/// - a read that finds the log compacted past `delivered` jumps to the horizon: subscribers still
///   behind it are fed from storage, which answers `snapshot_required`, and they are closed.
/// A subscriber's cursor may run ahead of `delivered` (its catch-up read storage past it); fan-out
/// then sends it nothing it has, and feeds it from storage where it is in the middle of a delivery.
/// The recent ops end at `delivered`, which may be below the log's head: a page cut from them that
/// says "nothing newer" is used only when no higher head is known (``LogWatermark``: heads told in
/// `welcome` and `ack`), else storage is read. So a pull until `more` is false reaches at least
/// every head this daemon has told a client, whichever daemon committed the ops.
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
    private let catchUpPool: CatchUpPool
    private let commitQueue = DispatchQueue(label: "plansyncd.commit")
    private let materializeQueue = DispatchQueue(label: "plansyncd.materialize")
    /// Connection id → subscriber; touched only on `commitQueue`.
    private var subscribers: [UInt64: Subscriber] = [:]
    /// Counts deliveries (local commits, and other daemons' ops read back); touched only on
    /// `commitQueue`. A laggard's page read off the queue compares it before and after, to know
    /// whether commits came meanwhile.
    private var commitCount: UInt64 = 0
    private let materializeLock = NSLock()
    /// When the readable replica is next brought up to date; touched under `materializeLock`.
    private var materializeTimer: MaterializeTimer
    /// The newest ops, encoded once at commit for fan-out, pulls and catch-ups.
    private let recent: RecentOps
    /// The last position delivered (put in `recent` and fanned out); touched only on `commitQueue`.
    private var delivered: UInt64 = 0
    /// The head known beyond `delivered`, and the catch-up read queued for other daemons' commits.
    private let watermark = LogWatermark()
    /// The storage when other daemons append to it too; nil when this process makes every commit.
    private let shared: (any SharedLogStorage)?
    /// The running watch for other daemons' commits; touched only on `commitQueue`.
    private var watch: (any CommitWatch)?
    /// Pushes waiting for their group commit; touched only on `commitQueue`.
    private var pushes = PushGroup()
    /// Set at ``stop()``: catch-up reads queued after it do nothing. Touched only on `commitQueue`.
    private var stopped = false
    /// Ops read per storage read when delivering other daemons' commits.
    static let catchUpRun = 1_000
    /// How long a failed catch-up read waits before it is tried again.
    static let catchUpRetry = DispatchTimeInterval.seconds(1)
    private let rulesLock = NSLock()
    /// The access rules in force; replaced on reload (SIGHUP). Touched under `rulesLock`.
    private var currentRules: AccessRules
    /// The horizon of the last compaction this process knows of: pages from below it are never
    /// cut from the recent ops (storage answers them with ``SyncModel/SnapshotRequired``).
    /// Touched under `rulesLock`.
    private var knownHorizon: UInt64 = 0

    init(storage: any ServerLogStorage, configuration: SyncDaemon.Configuration, logger: Logger, threadPool: NIOThreadPool,
         catchUpPool: CatchUpPool) {
        self.storage = storage
        shared = storage as? any SharedLogStorage
        self.configuration = configuration
        self.logger = logger
        self.threadPool = threadPool
        self.catchUpPool = catchUpPool
        clock = ServerClock(maxSkewMilliseconds: configuration.maxClockSkewMilliseconds, wall: configuration.wallClock)
        materializeTimer = MaterializeTimer(quietNanoseconds: configuration.materializeQuietPeriod.nanoseconds,
                                            maxDelayNanoseconds: configuration.materializeMaxDelay.nanoseconds)
        recent = RecentOps(budget: configuration.recentOpsBytes)
        currentRules = configuration.rules
    }

    // MARK: Lifecycle

    /// Reads the log head, from which the hub delivers, starts bringing the readable tables up to
    /// it in the background, and, when the storage is shared with other
    /// daemons, starts watching for their commits (then reads once, for commits made before the
    /// watch began). Call before accepting connections. Throws what the storage throws.
    func start() throws {
        let head = try storage.head()
        commitQueue.sync {
            delivered = head
            stopped = false   // a start retried after a failed bind
        }
        watermark.noteHead(head)
        // The readable tables may lag the log (a restore, an upgrade, a crash while they were
        // being brought up to date): caught up in the background, so the daemon serves at once.
        materializeQueue.async { [self] in materialize() }
        guard let shared else { return }
        let watch = try shared.watchCommits { [weak self] in self?.othersMayHaveCommitted() }
        commitQueue.sync { self.watch = watch }
        othersMayHaveCommitted()
    }

    /// Stops watching for other daemons' commits; catch-up reads still queued do nothing.
    func stop() {
        let watch: (any CommitWatch)? = commitQueue.sync {
            stopped = true
            defer { self.watch = nil }
            return self.watch
        }
        watch?.cancel()
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
            let head = try storage.head()
            // A head above any known: another daemon committed, and its wake may be late or lost.
            if watermark.noteHead(head), shared != nil { othersMayHaveCommitted() }
            return (check, head)
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
    /// ops when they reach back that far, else read and encoded on the ``CatchUpPool``.
    func pull(since: UInt64, limit: Int, department: String, on eventLoop: any EventLoop) -> EventLoopFuture<EncodedPage> {
        if LogHub.hidden(from: department, by: rules) == nil,
           let page = recentPage(since: since, limit: limit, maxBytes: configuration.maxPageBytes) {
            return eventLoop.makeSucceededFuture(page)
        }
        return catchUpPool.run(on: eventLoop) { [self] in try self.page(since: since, limit: limit, department: department) }
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
        if let page = recentPage(since: since, limit: limit, maxBytes: maxBytes) { return page }
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

    /// The page after `since` cut from the recent ops, nil when storage must be read: the page
    /// reaches below the last compaction, or outside the recent ops, or it says "nothing newer"
    /// (ends at `delivered`) while a higher head is known (another daemon's ops not yet delivered).
    private func recentPage(since: UInt64, limit: Int, maxBytes: Int) -> EncodedPage? {
        guard servesFromMemory(since: since), let page = recent.page(since: since, limit: limit, maxBytes: maxBytes) else { return nil }
        return page.more || page.next >= watermark.knownHead ? page : nil
    }

    /// A page of the snapshot for `department` (only the collections it may read), read on the
    /// ``CatchUpPool``; fails with ``SyncModel/SnapshotRequired`` when the snapshot is no longer at
    /// `horizon`.
    func snapshotPage(horizon: UInt64?, after: SnapshotKey?, limit: Int, department: String, on eventLoop: any EventLoop) -> EventLoopFuture<SnapshotPage> {
        let storage = storage, rules = rules, maxBytes = configuration.maxPageBytes
        return catchUpPool.run(on: eventLoop) {
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

    /// Commits a push on the serial queue, together with the pushes waiting there with it
    /// (``PushGroup``); on success sends the new ops to every subscriber, after any ops other
    /// daemons committed before them, before the future completes (so a subscribed pusher sees its
    /// `changes` before its `ack`), then has the readable replica brought up to date in the
    /// background (see ``MaterializeTimer``).
    func commit(_ push: PendingPush, on eventLoop: any EventLoop) -> EventLoopFuture<CommitOutcome> {
        let promise = eventLoop.makePromise(of: CommitOutcome.self)
        let entry = PushGroup.Entry(push: push, promise: promise)
        commitQueue.async { [self] in
            if pushes.add(entry) { commitQueue.async { [self] in commitWaitingPushes() } }
        }
        return promise.futureResult
    }

    /// Commits the next group of waiting pushes in one storage call and answers each in order.
    private func commitWaitingPushes() {
        let group = pushes.next()
        if !pushes.isEmpty { commitQueue.async { [self] in commitWaitingPushes() } }
        var outcomes = [CommitOutcome?](repeating: nil, count: group.count)
        var stored: [Int] = []
        let rules = rules
        for (i, entry) in group.enumerated() {
            do throws(Admission.Refusal) {
                try Admission.checkAccess(entry.push.ops, department: entry.push.department, rules: rules)
                stored.append(i)
            } catch {
                outcomes[i] = .refused(error)
            }
        }
        let started = DispatchTime.now().uptimeNanoseconds
        var results = stored.isEmpty ? [] : storage.commit(group: stored.map { group[$0].push }, schema: configuration.schema,
                                                            wallMilliseconds: clock.wallMilliseconds(),
                                                            maxSkewMilliseconds: configuration.maxClockSkewMilliseconds)
        if results.count != stored.count {
            results = stored.map { _ in .failure(StoreAnswerMismatch()) }
        }
        for (k, i) in stored.enumerated() {
            switch results[k] {
            case .success(let result):
                metrics.committed(result, since: started)
                clock.observe(result.appended)
                watermark.noteHead(result.head)
                if !result.appended.isEmpty { deliverCommitted(result.appended) }
                outcomes[i] = .committed(result)
            case .failure(let refusal as Admission.Refusal):
                outcomes[i] = .refused(refusal)
            case .failure(let error):
                logger.error("commit failed", metadata: ["error": "\(error)", "node": "\(group[i].push.node)"])
                outcomes[i] = .failed("the server could not store the push: \(error)")
            }
        }
        for (i, entry) in group.enumerated() {
            entry.promise.succeed(outcomes[i] ?? .failed("the server could not store the push"))
        }
    }

    /// A storage answered a group commit with another number of results than pushes.
    private struct StoreAnswerMismatch: Error, CustomStringConvertible {
        var description: String { "the storage answered a group commit with the wrong number of results" }
    }

    // MARK: Subscriptions

    /// Sends `channel` every op after `since` as `changes` tagged `subscriptionID` (the last one
    /// with `more` false), then registers it for live commits. While far behind it reads and sends
    /// page by page off the commit queue (on the low-priority ``CatchUpPool``), waiting for each
    /// write, so catching up neither holds up commits nor floods a slow reader; the last stretch
    /// and the registration run on the queue.
    /// Runs on event-loop futures and the catch-up pool, never on Swift's cooperative pool, so an
    /// embedding process whose tasks block that pool (a test runner) cannot stall subscribers.
    func subscribe(connection: UInt64, subscriptionID: Int64, department: String, since: UInt64, channel: any Channel) -> EventLoopFuture<Void> {
        let eventLoop = channel.eventLoop
        let pageLimit = configuration.maxPullLimit
        return catchUpPool.run(on: eventLoop) { [self] in try self.page(since: since, limit: pageLimit, department: department) }
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

    /// Another daemon may have committed (a wake, or a hello that read a higher head): queues one
    /// catch-up read on the commit queue, unless one is queued already. Any thread.
    func othersMayHaveCommitted() {
        scheduleCatchUp(after: nil)
    }

    private func scheduleCatchUp(after delay: DispatchTimeInterval?) {
        guard watermark.claimCatchUp() else { return }
        let read: @Sendable () -> Void = { [self] in
            watermark.catchUpStarted()
            guard !stopped else { return }
            if !deliverFromStorage(through: nil) { scheduleCatchUp(after: LogHub.catchUpRetry) }
        }
        if let delay { commitQueue.asyncAfter(deadline: .now() + delay, execute: read) } else { commitQueue.async(execute: read) }
    }

    /// A local commit's ops, delivered after the gap before them (ops other daemons committed
    /// since `delivered`), read from storage. Should the gap not be read, nothing is delivered
    /// now: a catch-up read retried later delivers the gap and these ops in order.
    private func deliverCommitted(_ appended: [Op]) {
        guard let first = appended.first?.log else {
            logger.error("the log returned committed ops without positions; reading them back from storage")
            scheduleCatchUp(after: nil)
            return
        }
        if first > delivered + 1 {
            logger.debug("another daemon committed before this commit; delivering its ops first",
                         metadata: ["delivered": "\(delivered)", "first": "\(first)"])
            guard deliverFromStorage(through: first - 1) else {
                scheduleCatchUp(after: LogHub.catchUpRetry)
                return
            }
        }
        if first == delivered + 1, deliver(appended) { return }
        scheduleCatchUp(after: nil)
    }

    /// Reads the ops after `delivered` from storage, runs of ``catchUpRun`` ops, up to `bound` or
    /// the log's end, and delivers each run. False when a read failed or broke the storage's
    /// contract (logged); what was delivered before stays delivered.
    private func deliverFromStorage(through bound: UInt64?) -> Bool {
        while bound.map({ delivered < $0 }) ?? true {
            let limit = min(LogHub.catchUpRun, bound.map { Int(clamping: $0 - delivered) } ?? .max)
            let ops: [Op]
            do {
                ops = try storage.ops(since: delivered, limit: limit)
            } catch let behind as SnapshotRequired where behind.horizon > delivered {
                // Compacted past what was delivered: those ops are gone from the log. Subscribers
                // behind the horizon get `snapshot_required` from storage when fed (fanOut).
                logger.warning("the log was compacted past the last position delivered; going on from the horizon",
                               metadata: ["delivered": "\(delivered)", "horizon": "\(behind.horizon)"])
                noteCompaction(horizon: behind.horizon)
                delivered = behind.horizon
                continue
            } catch {
                logger.error("could not read other daemons' commits; retrying", metadata: ["error": "\(error)", "delivered": "\(delivered)"])
                return false
            }
            guard !ops.isEmpty else { return true }
            clock.observe(ops)
            guard deliver(ops) else { return false }
            if ops.count < limit { return true }
        }
        return true
    }

    /// Delivers ops that run on from `delivered` without a gap: they go into the recent ops and
    /// to the subscribers, and the readable replica is scheduled to catch up. False, delivering
    /// nothing, when their positions do not run on from `delivered` (a storage contract broken).
    private func deliver(_ ops: [Op]) -> Bool {
        for (offset, op) in ops.enumerated() where op.log != delivered + UInt64(offset) + 1 {
            logger.error("the log returned ops out of order; not delivering them",
                         metadata: ["delivered": "\(delivered)", "position": "\(op.log.map(String.init) ?? "none")"])
            return false
        }
        commitCount &+= 1
        recent.append(ops)
        fanOut(ops)
        delivered += UInt64(ops.count)
        watermark.noteHead(delivered)
        scheduleMaterialize(ops: ops.count)
        return true
    }

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
    /// but the page is read and encoded on the low-priority ``CatchUpPool``: a laggard's catch-up
    /// never holds up a commit (issue 15). While the page is read the subscriber stays `lagging`, so fan-out
    /// leaves it alone and its cursor moves only here.
    private func feed(_ connection: UInt64) {
        guard let subscriber = subscribers[connection], subscriber.lagging else { return }
        let since = subscriber.cursor, department = subscriber.department, mark = commitCount
        catchUpPool.run(on: subscriber.channel.eventLoop) { [self] in
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
