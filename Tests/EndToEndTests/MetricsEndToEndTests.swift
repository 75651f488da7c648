import Foundation
import TestSupport
import Testing

/// The built `plansyncd serve --metrics-port 0`, scraped over HTTP after a real `plansync sync`.
@Suite struct MetricsEndToEndTests {
    @Test func plansyncdCountsWhatASyncPushed() async throws {
        let ws = try Workspace()
        let path = ws.folder.appendingPathComponent("server.sqlite").path
        let plansyncd = try PlanSyncBinary.locate("plansyncd")
        let daemon = try DaemonProcess.launch(plansyncd.url, data: path, ["--metrics-port", "0"])
        defer { daemon.terminate() }
        let metricsPort = try #require(daemon.metricsPort, "the log names the metrics port")
        #expect(metricsPort != daemon.port)
        let token = try DaemonProcess.run(plansyncd.url, ["token", "add", "--department", "planning", "--data", path])
            .split(separator: "\n").last.map(String.init) ?? ""
        try ws.ok("a", "init", "--node", "a-laptop", "--department", "planning", "--server", "127.0.0.1:\(daemon.port)", "--token", token)
        try ws.ok("a", "put", "departments", "name=市场部", "kind=marketing", "lead=王芳")
        try ws.ok("a", "put", "projects", "name=春季推广", "status=planning")
        try ws.ok("a", "sync")

        // `plansync sync` has exited; the daemon notices the close a moment later.
        let metrics = try await PrometheusText.scrape(port: metricsPort) { $0["plansync_connections_open"] == 0 }
        #expect(metrics["plansync_connections_open"] == 0)
        let ops = try #require(metrics["plansync_ops_accepted_total"])
        #expect(ops >= 2, "two puts' ops were pushed")
        #expect(metrics["plansync_log_head_position"] == ops, "a fresh log holds exactly what was accepted")
        let pushes = try #require(metrics["plansync_pushes_accepted_total"])
        #expect(pushes >= 1)
        #expect(metrics["plansync_commit_duration_seconds_count"] == pushes, "every acknowledged push went through one timed commit")
        let refusals = metrics.samples.filter { $0.key.hasPrefix("plansync_refusals_total{") }
        #expect(!refusals.isEmpty && refusals.values.allSatisfy { $0 == 0 }, "a clean sync is refused nothing: \(refusals)")
    }
}
