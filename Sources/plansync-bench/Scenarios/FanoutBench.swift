import Foundation
import Planning
import SyncClient
import SyncModel
import SyncStore

/// Scenario `fanout`: subscribers watch the daemon; one writer commits single-field edits at a steady
/// rate and its own `watch` pushes them. Latency runs from the writer's local commit to each
/// subscriber's applied batch (matched by log position), so it includes the writer's outbox poll.
enum FanoutBench {
    struct Result: Encodable {
        var subscribers: Int
        var edits: Int
        /// The writer's edits per second as it ran: one every `intervalMs` (200 a second at 5 ms)
        /// unless the cores, busy with every subscriber's apply, held its loop back.
        var edits_per_s: Double
        var p50_ms: Double
        var p99_ms: Double
    }

    /// Apply times per log position, from every subscriber.
    final class Arrivals: @unchecked Sendable {
        private let lock = NSLock()
        private var times: [[UInt64: Double]]

        init(subscribers: Int) { times = Array(repeating: [:], count: subscribers) }

        func record(subscriber: Int, ops: Int, cursor: UInt64, at t: Double) {
            lock.withLock {
                for p in (cursor - UInt64(ops) + 1)...cursor where times[subscriber][p] == nil { times[subscriber][p] = t }
            }
        }

        func count(beyond base: UInt64) -> Int { lock.withLock { times.reduce(0) { $0 + $1.keys.filter { $0 > base }.count } } }

        func time(subscriber: Int, position: UInt64) -> Double? { lock.withLock { times[subscriber][position] } }
    }

    static func run(subscribers: Int, edits: Int, intervalMs: Int, scratch: Scratch) throws -> Result {
        try blocking {
            let fixture = try await DaemonFixture(scratch: scratch)
            let writer = try fixture.replica("fan-writer", department: "planning")
            let task = try writer.create("tasks", fields: ["title": .text("跨部门周会准备"), "status": .text("todo")])
            _ = try await fixture.client(writer).sync()
            let base = try fixture.log.head()
            let arrivals = Arrivals(subscribers: subscribers)
            var watchers: [Task<Void, Never>] = []
            for s in 0..<subscribers {
                let replica = try fixture.replica("fan-\(s)", department: "sales")
                _ = try await fixture.client(replica).sync()
                var options = DaemonFixture.plainOptions
                options.onEvent = { event in
                    if case .applied(let ops, _, let cursor) = event, ops > 0 { arrivals.record(subscriber: s, ops: ops, cursor: cursor, at: now()) }
                }
                let client = fixture.client(replica, options: options)
                watchers.append(Task { try? await client.watch() })
            }
            var writerOptions = DaemonFixture.plainOptions
            writerOptions.outboxPollInterval = .milliseconds(1)
            let writerClient = fixture.client(writer, options: writerOptions)
            let writerWatch = Task { try? await writerClient.watch() }
            try await Task.sleep(for: .milliseconds(500))
            var sent: [Double] = []
            let statuses = ["doing", "blocked", "todo", "done"]
            for i in 0..<edits {
                try writer.update("tasks", id: task, fields: ["status": .text(statuses[i % statuses.count])])
                sent.append(now())
                try await Task.sleep(for: .milliseconds(intervalMs))
            }
            let deadline = now() + 30
            while arrivals.count(beyond: base) < subscribers * edits, now() < deadline {
                try await Task.sleep(for: .milliseconds(20))
            }
            writerWatch.cancel()
            for w in watchers { w.cancel() }
            await fixture.stop()
            var latencies: [Double] = []
            for s in 0..<subscribers {
                for (i, t0) in sent.enumerated() {
                    guard let t = arrivals.time(subscriber: s, position: base + UInt64(i) + 1) else {
                        throw BenchError("fanout: subscriber \(s) never applied edit \(i)")
                    }
                    latencies.append((t - t0) * 1000)
                }
            }
            let span = (sent.last ?? 0) - (sent.first ?? 0)
            return Result(subscribers: subscribers, edits: edits, edits_per_s: span > 0 ? Double(edits - 1) / span : 0, p50_ms: percentile(latencies, 50), p99_ms: percentile(latencies, 99))
        }
    }
}
