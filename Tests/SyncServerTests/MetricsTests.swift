import Foundation
import NIOPosix
import SyncModel
import SyncProtocol
import TestSupport
import Testing
@testable import SyncServer

/// `plansyncd serve --metrics-port` (issue 16): the Prometheus endpoint over HTTP and what it counts.
@Suite("Metrics endpoint", .serialized, .timeLimit(.minutes(3)))
struct MetricsTests {
    private func daemonWithMetrics(_ configure: (inout SyncDaemon.Configuration) -> Void = { _ in }) async throws -> (TestDaemon, Int) {
        let daemon = try await TestDaemon.start {
            $0.metricsPort = 0
            configure(&$0)
        }
        let port = try #require(daemon.daemon.metricsPort)
        return (daemon, port)
    }

    @Test func countsAcceptedAndRefusedPushesConnectionsHeadAndCommitTimes() async throws {
        let (daemon, port) = try await daemonWithMetrics()
        let writer = try await daemon.session(node: "n1")
        let created = Ops.create(node: "n1", seq: 1, row: "p1", name: "a")
        guard case .ack(let ack) = try await writer.push(id: 1, created) else {
            Issue.record("the first push was not acknowledged"); return
        }
        #expect(ack.accepted == 2)
        // seq 5 after 2: a gap, refused, nothing stored.
        #expect(errorCode(try await writer.push(id: 2, [Ops.name(node: "n1", seq: 5)])) == .seqGap)
        // The same ops again: an ack of duplicates.
        guard case .ack = try await writer.push(id: 3, created) else {
            Issue.record("the repeated push was not acknowledged"); return
        }
        let watcher = try await daemon.session(node: "w", token: TestDaemon.rndToken)
        watcher.subscriptionID = 7
        try await watcher.send(.subscribe(Subscribe(id: 7, since: 0)))
        guard case .changes(let caughtUp) = try await watcher.message(), !caughtUp.more else { Issue.record("no catch-up"); return }

        let response = try await HTTPProbe.request("GET", "/metrics", port: port)
        #expect(response.status == 200)
        #expect(response.header("Content-Type")?.hasPrefix("text/plain; version=0.0.4") == true)
        let metrics = try PrometheusText(response.body)
        #expect(metrics["plansync_connections_open"] == 2)
        #expect(metrics["plansync_pushes_accepted_total"] == 2)
        #expect(metrics["plansync_ops_accepted_total"] == 2)
        #expect(metrics["plansync_ops_duplicate_total"] == 2)
        #expect(metrics[#"plansync_refusals_total{code="seq_gap"}"#] == 1)
        #expect(metrics[#"plansync_refusals_total{code="forbidden"}"#] == 0, "every code is there from the start, at 0")
        #expect(metrics["plansync_log_head_position"] == 2)
        #expect(metrics["plansync_subscribers"] == 1)
        #expect(metrics["plansync_subscriber_lag_positions"] == 0)
        // Both acknowledged pushes went through the storage commit; the refused one is not timed.
        #expect(metrics["plansync_commit_duration_seconds_count"] == 2)
        #expect(metrics[#"plansync_commit_duration_seconds_bucket{le="+Inf"}"#] == 2)
        #expect((metrics["plansync_commit_duration_seconds_sum"] ?? -1) >= 0)

        await writer.close()
        await watcher.close()
        let after = try await PrometheusText.scrape(port: port) { $0["plansync_connections_open"] == 0 && $0["plansync_subscribers"] == 0 }
        #expect(after["plansync_connections_open"] == 0)
        #expect(after["plansync_subscribers"] == 0)
        await daemon.stop()
    }

    @Test func otherPathsAre404AndOtherMethods405() async throws {
        let (daemon, port) = try await daemonWithMetrics()
        #expect(try await HTTPProbe.request("GET", "/", port: port).status == 404)
        #expect(try await HTTPProbe.request("GET", "/metrics/extra", port: port).status == 404)
        let post = try await HTTPProbe.request("POST", "/metrics", port: port)
        #expect(post.status == 405)
        #expect(post.header("Allow") == "GET")
        #expect(try await HTTPProbe.request("DELETE", "/metrics", port: port).status == 405)
        #expect(try await HTTPProbe.request("GET", "/metrics?name=x", port: port).status == 200, "a query string names the same path")
        // The endpoint is still served after the refusals, and the daemon's port is not it.
        #expect(try await PrometheusText.scrape(port: port)["plansync_pushes_accepted_total"] == 0)
        #expect(daemon.port != port)
        await daemon.stop()
    }

    @Test func twoDaemonsInOneProcessKeepSeparateNumbers() async throws {
        let (first, firstPort) = try await daemonWithMetrics()
        let (second, secondPort) = try await daemonWithMetrics()
        let a = try await first.session(node: "a")
        guard case .ack = try await a.push(id: 1, Ops.create(node: "a", seq: 1, row: "p1", name: "x")) else { Issue.record("no ack"); return }
        let b = try await second.session(node: "b")
        #expect(errorCode(try await b.push(id: 1, [Ops.name(node: "b", seq: 3)])) == .seqGap)

        let one = try await PrometheusText.scrape(port: firstPort)
        let two = try await PrometheusText.scrape(port: secondPort)
        #expect(one["plansync_ops_accepted_total"] == 2)
        #expect(two["plansync_ops_accepted_total"] == 0)
        #expect(one[#"plansync_refusals_total{code="seq_gap"}"#] == 0)
        #expect(two[#"plansync_refusals_total{code="seq_gap"}"#] == 1)
        #expect(one["plansync_log_head_position"] == 2)
        #expect(two["plansync_log_head_position"] == 0)
        #expect(one["plansync_commit_duration_seconds_count"] == 1)
        #expect(two["plansync_commit_duration_seconds_count"] == 0)
        await a.close()
        await b.close()
        await first.stop()
        await second.stop()
    }

    @Test func withoutAMetricsPortNothingIsServedAndATakenPortIsRefusedCleanly() async throws {
        let plain = try await TestDaemon.start()
        #expect(plain.daemon.metricsPort == nil)
        await plain.stop()

        let (serving, port) = try await daemonWithMetrics()
        // A second daemon asking for the port the first one's metrics hold does not start at all.
        var configuration = SyncDaemon.Configuration(schema: serving.daemon.configuration.schema, port: 0)
        configuration.metricsPort = port
        let refused = SyncDaemon(storage: MemoryServerLog(), configuration: configuration, logger: TestDaemon.quietLogger)
        await #expect(throws: SyncDaemonError.self) { _ = try await refused.start() }
        #expect(refused.port == nil && refused.metricsPort == nil)
        #expect(try await PrometheusText.scrape(port: port)["plansync_connections_open"] == 0)
        await serving.stop()
    }

    @Test func aConnectionThatSendsNoRequestIsClosedAndAFailedScrapeIs500() async throws {
        let endpoint = try await MetricsEndpoint.start(port: 0, group: MultiThreadedEventLoopGroup.singleton, logger: TestDaemon.quietLogger,
                                                       idleTimeout: .seconds(1)) { loop in
            loop.makeFailedFuture(NoHead())
        }
        let silent = try await LineClient.connect(port: endpoint.port)
        #expect(try await silent.closedAfterDraining(), "an idle scraper does not hold its connection")
        let failed = try await HTTPProbe.request("GET", "/metrics", port: endpoint.port)
        #expect(failed.status == 500)
        #expect(failed.body.contains("no head"))
        await endpoint.close()
    }

    @Test func aSubscriberThatStopsReadingShowsAsLagUntilItReadsAgain() async throws {
        let (daemon, port) = try await daemonWithMetrics()
        let watcher = try await daemon.session(node: "w", token: TestDaemon.rndToken)
        watcher.subscriptionID = 1
        try await watcher.send(.subscribe(Subscribe(id: 1, since: 0)))
        guard case .changes(let caughtUp) = try await watcher.message(), !caughtUp.more else { Issue.record("no catch-up"); return }
        try await watcher.setReading(false)

        // About 24 MiB of changes: more than the socket buffers and the write buffer hold.
        let writer = try await daemon.session(node: "n1")
        let text = String(repeating: "x", count: 64 * 1024)
        var seq: UInt64 = 1
        for push in 0..<40 {
            let ops = (0..<10).map { i in Ops.name(node: "n1", seq: seq + UInt64(i), row: "r\(push)-\(i)", name: text) }
            guard case .ack = try await writer.push(id: Int64(push), ops) else { Issue.record("push \(push) not acknowledged"); return }
            seq += 10
        }
        let stuck = try await PrometheusText.scrape(port: port) { ($0["plansync_subscriber_lag_positions"] ?? 0) > 0 }
        let lag = try #require(stuck["plansync_subscriber_lag_positions"])
        #expect(lag > 0, "a subscriber that reads nothing falls behind")
        #expect(lag <= 400 && stuck["plansync_log_head_position"] == 400)

        try await watcher.setReading(true)
        let caughtUpAgain = try await PrometheusText.scrape(port: port) { $0["plansync_subscriber_lag_positions"] == 0 }
        #expect(caughtUpAgain["plansync_subscriber_lag_positions"] == 0)
        #expect(caughtUpAgain["plansync_subscribers"] == 1)
        await writer.close()
        await watcher.close()
        await daemon.stop()
    }
}

/// A storage that cannot say its head, for the 500 answer.
private struct NoHead: Error, CustomStringConvertible {
    var description: String { "no head" }
}
