import Foundation

/// Runs the selected scenarios in order, each in its own scratch folder, and collects the figures.
struct BenchRunner {
    let plan: BenchPlan
    let selected: Set<String>
    let progress: Bool

    func run() throws -> BenchReport {
        var report = BenchReport()
        if selected.contains("apply") {
            report.apply = try step("apply") { try ApplyBench.run(rows: plan.applyRows, batch: plan.batch, scratch: $0) }
        }
        if selected.contains("live_apply") {
            report.live_apply = try step("live_apply") { try ApplyBench.run(rows: plan.liveApplyRows, batch: 1, scratch: $0) }
        }
        if selected.contains("local_write") {
            report.local_write = try step("local_write") { try LocalWriteBench.run(edits: plan.localEdits, scratch: $0) }
        }
        if selected.contains("sync") {
            report.sync = try step("sync") { try SyncBench.run(rows: plan.syncRows, scratch: $0) }
        }
        if selected.contains("sync_deflate") {
            report.sync_deflate = try step("sync_deflate") { try SyncBench.run(rows: plan.syncRows, scratch: $0, compression: [.deflate]) }
        }
        if selected.contains("sync_tls") {
            report.sync_tls = try step("sync_tls") { try SyncBench.run(rows: plan.syncRows, scratch: $0, tls: true) }
        }
        if selected.contains("fanout") {
            report.fanout = try step("fanout") {
                try FanoutBench.run(subscribers: plan.subscribers, edits: plan.fanoutEdits, intervalMs: plan.fanoutIntervalMs, scratch: $0)
            }
        }
        if selected.contains("memory") {
            report.memory = try step("memory") { try MemoryBench.run(connections: plan.idleConnections, scratch: $0) }
        }
        if selected.contains("growth") {
            report.growth = try step("growth") {
                try GrowthBench.run(sizes: plan.growthSizes, probeRows: plan.growthProbeRows, batch: plan.batch, scratch: $0)
            }
        }
        if selected.contains("lagging") {
            report.lagging = try step("lagging") { try LaggingBench.run(backlog: plan.lagBacklog, commits: plan.lagCommits, scratch: $0) }
        }
        if selected.contains("bootstrap") {
            report.bootstrap = try step("bootstrap") {
                try BootstrapBench.run(rows: plan.bootstrapRows, opsPerRow: plan.bootstrapOpsPerRow, scratch: $0)
            }
        }
        if selected.contains("scale") {
            report.scale = try step("scale") { scratch in
                let postgres = ScalePostgres.fromEnvironment()
                return try ScaleBench.run(clients: plan.scaleClients, pushes: plan.scalePushes, projectsPerPush: plan.scaleProjectsPerPush,
                                          edits: plan.scaleEdits, scratch: scratch, postgres: postgres.cluster, postgresSkipped: postgres.skipped)
            }
        }
        return report
    }

    private func step<T>(_ name: String, _ body: (Scratch) throws -> T) throws -> T {
        if progress { FileHandle.standardError.write(Data("plansync-bench: \(name)…\n".utf8)) }
        let scratch = try Scratch()
        defer { scratch.remove() }
        return try body(scratch)
    }
}
