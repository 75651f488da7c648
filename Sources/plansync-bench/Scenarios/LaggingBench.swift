import Foundation
import NIOCore
import NIOPosix
import Planning
import SyncModel
import SyncProtocol
import SyncStore

/// Scenario `lagging` (issue 15: no peer slows another). A daemon process (``DaemonProcess``)
/// serves a log of `backlog` ops. A writer commits single-op pushes one at a time and times each
/// push → `ack`; it does so alone, then again while a subscriber that reads slowly (one socket
/// read every 10 ms, so it never catches up during the run) is being fed the backlog from
/// position 0. The ratio of the two p99s is the laggard's cost to the writer. Then, when the
/// release `plansync` is beside this binary, a `plansync sync --watch` process catches up the
/// whole backlog and its peak resident memory is reported.
enum LaggingBench {
    struct Result: Encodable {
        var backlog_ops: Int
        var commits: Int
        var commit_p99_ms_alone: Double
        var commit_p99_ms_with_laggard: Double
        /// With the laggard over alone; the target is ≤ 1.2.
        var ratio: Double
        /// Bytes the laggard had read when the writer finished (it must still be catching up).
        var laggard_read_mib: Double
        /// The daemon's resident memory at the end of the writer's second run.
        var daemon_rss_mib: Double
        /// Peak resident memory of `plansync sync --watch` catching up the backlog; nil when the
        /// release `plansync` is not beside this binary.
        var watch_client_peak_rss_mib: Double?
        var watch_client_catch_up_s: Double?
        var daemon: String
    }

    static func run(backlog: Int, commits: Int, scratch: Scratch) throws -> Result {
        let data = scratch.file("lagging-server.sqlite")
        let tokens: (writer: String, laggard: String, watcher: String)
        do {
            let log = try ServerLog(path: data, schema: PlanningSchema.schema)
            try prefill(log, ops: backlog)
            tokens = (try log.addToken(department: "planning"), try log.addToken(department: "sales"), try log.addToken(department: "marketing"))
        }
        let port = try MemoryBench.freePort()
        let daemon = try DaemonProcess(data: data, port: port)
        defer { daemon.stop() }
        try daemon.awaitListening(port: port)
        // The daemon brings its readable tables up to the prefilled backlog in the background
        // (tens of seconds for 1,000,000 ops): timed commits start once that is done, so they
        // measure the laggard, not the catch-up.
        let tables = try ReplicaStore(opening: data, schema: PlanningSchema.schema)
        let caughtUpBy = now() + 10 + Double(backlog) / 5_000
        while try tables.cursor() < UInt64(backlog), now() < caughtUpBy { Thread.sleep(forTimeInterval: 0.1) }
        let alone = try blocking { try await writerLatencies(port: port, token: tokens.writer, node: "lag-writer-1", commits: commits) }
        let laggard = try SlowSubscriber(port: port, token: tokens.laggard)
        defer { laggard.close() }
        // Wait until the laggard is being fed, so the writer's run overlaps its catch-up.
        let deadline = now() + 10
        while laggard.bytesRead < 1 << 20, now() < deadline { Thread.sleep(forTimeInterval: 0.01) }
        let withLaggard = try blocking { try await writerLatencies(port: port, token: tokens.writer, node: "lag-writer-2", commits: commits) }
        let read = laggard.bytesRead
        laggard.close()
        guard let rss = residentMiB(pid: daemon.pid) else { throw BenchError("lagging: cannot read the daemon's RSS") }
        let watch = try WatchCatchUp.run(port: port, token: tokens.watcher, head: UInt64(backlog + 2 * (commits + 1)), scratch: scratch)
        let p99Alone = percentile(alone, 99), p99With = percentile(withLaggard, 99)
        return Result(backlog_ops: backlog, commits: commits, commit_p99_ms_alone: p99Alone, commit_p99_ms_with_laggard: p99With,
                      ratio: p99With / p99Alone, laggard_read_mib: Double(read) / 1_048_576, daemon_rss_mib: rss,
                      watch_client_peak_rss_mib: watch?.peakMiB, watch_client_catch_up_s: watch?.seconds, daemon: daemon.name)
    }

    /// Commits the benchmark's projects (ten ops each) as pushes of 10,000 ops from one node.
    static func prefill(_ log: ServerLog, ops: Int) throws {
        var workload = Workload()
        var done = 0
        var project = 0
        while done < ops {
            var batch: [Op] = []
            while batch.count < 10_000, done + batch.count < ops {
                batch += workload.project(project)
                project += 1
            }
            _ = try log.commit(batch, pushedBy: workload.node, department: workload.department, schema: PlanningSchema.schema,
                               wallMilliseconds: UInt64(Date().timeIntervalSince1970 * 1000),
                               maxSkewMilliseconds: HybridLogicalClock.defaultMaxSkewMilliseconds)
            done += batch.count
        }
    }

    /// Pushes `commits` single-op edits of one task, one at a time 2 ms apart, and returns each
    /// push → `ack` time in milliseconds (the create before them is not counted).
    static func writerLatencies(port: Int, token: String, node: String, commits: Int) async throws -> [Double] {
        try await LineLink.session(port: port, node: node, token: token, schema: PlanningSchema.version) { link, _ in
            let started = UInt64(Date().timeIntervalSince1970 * 1000)
            let row = RowID.make(unixMilliseconds: started)
            var latencies: [Double] = []
            var previous: Dot?
            for seq in UInt64(1)...UInt64(commits + 1) {
                let hlc = HLCTimestamp(raw: (UInt64(Date().timeIntervalSince1970 * 1000) << 16) + seq)
                let op = seq == 1
                    ? Op(collection: "tasks", row: row, field: Op.deletedField, kind: .set, node: node, seq: seq, hlc: hlc,
                         value: .bool(false), replaces: [], context: VersionVector())
                    : Op(collection: "tasks", row: row, field: "status", kind: .set, node: node, seq: seq, hlc: hlc,
                         value: .text(seq % 2 == 0 ? "doing" : "todo"), replaces: previous.map { [$0] } ?? [])
                if seq > 1 { previous = op.dot }
                let t0 = now()
                let reply = try await link.send(.push(Push(id: Int64(seq), ops: [op])))
                guard case .ack(let ack) = reply, ack.accepted == 1 else { throw BenchError("lagging: push \(seq) not accepted: \(reply)") }
                if seq > 1 { latencies.append((now() - t0) * 1000) }
                try await Task.sleep(for: .milliseconds(2))
            }
            return latencies
        }
    }
}

/// A subscriber from position 0 that reads its socket once every 10 ms (automatic reads off),
/// so the daemon's writes to it back up: the lagging peer of the `lagging` scenario.
final class SlowSubscriber: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = ByteBuffer
    private let lock = NSLock()
    private var read = 0
    private var channel: (any Channel)?
    private var ticks: RepeatedTask?

    init(port: Int, token: String) throws {
        let channel = try ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelOption(.autoRead, value: false)
            .channelInitializer { [self] channel in channel.pipeline.addHandler(self) }
            .connect(host: "127.0.0.1", port: port).wait()
        try channel.writeAndFlush(WireEncoder.line(.hello(Hello(node: "lag-reader", token: token, schema: PlanningSchema.version)))).wait()
        try channel.writeAndFlush(WireEncoder.line(.subscribe(Subscribe(id: 1, since: 0)))).wait()
        self.channel = channel
        ticks = channel.eventLoop.scheduleRepeatedTask(initialDelay: .zero, delay: .milliseconds(10)) { _ in channel.read() }
    }

    var bytesRead: Int { lock.withLock { read } }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let bytes = unwrapInboundIn(data).readableBytes
        lock.withLock { read += bytes }
    }

    func close() {
        ticks?.cancel()
        try? channel?.close().wait()
    }
}

/// The second half of `lagging`: a `plansync sync --watch` process (the release `plansync`
/// beside this binary) catches up the daemon's log from 0; its peak resident memory (VmHWM)
/// shows whether a client that applies slower than the daemon sends holds bounded memory.
enum WatchCatchUp {
    /// Peak RSS and seconds to reach `head`, or nil when `plansync` is not beside this binary.
    static func run(port: Int, token: String, head: UInt64, scratch: Scratch) throws -> (peakMiB: Double, seconds: Double)? {
        let here = Bundle.main.executableURL ?? URL(fileURLWithPath: CommandLine.arguments[0])
        let plansync = here.deletingLastPathComponent().appendingPathComponent("plansync").path
        guard FileManager.default.isExecutableFile(atPath: plansync) else { return nil }
        let replica = scratch.file("lagging-watch.sqlite")
        _ = try runOnce(plansync, ["--replica", replica, "init", "--node", "lag-watch", "--department", "marketing",
                                   "--server", "127.0.0.1:\(port)", "--token", token])
        let watch = Process()
        watch.executableURL = URL(fileURLWithPath: plansync)
        watch.arguments = ["--replica", replica, "sync", "--watch"]
        watch.standardOutput = FileHandle.nullDevice
        watch.standardError = FileHandle.nullDevice
        let t0 = now()
        try watch.run()
        Interruption.shared.track(process: watch)
        defer {
            watch.terminate()
            watch.waitUntilExit()
            Interruption.shared.forget(process: watch)
        }
        var peak = 0.0
        let deadline = t0 + 600
        while now() < deadline {
            Thread.sleep(forTimeInterval: 0.5)
            peak = max(peak, peakResidentMiB(pid: watch.processIdentifier) ?? 0)
            let status = try runOnce(plansync, ["--replica", replica, "status", "--json"])
            if let cursor = (try? JSONSerialization.jsonObject(with: Data(status.utf8)) as? [String: Any])?["cursor"] as? Int,
               cursor >= head {
                return (max(peak, peakResidentMiB(pid: watch.processIdentifier) ?? 0), now() - t0)
            }
        }
        throw BenchError("lagging: plansync sync --watch did not reach position \(head) in 600 s")
    }

    /// Runs `plansync` to completion; its standard output, or a thrown error naming its exit status.
    private static func runOnce(_ path: String, _ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw BenchError("lagging: plansync \(arguments.dropFirst(2).first ?? "") exited \(process.terminationStatus)") }
        return String(decoding: data, as: UTF8.self)
    }
}
