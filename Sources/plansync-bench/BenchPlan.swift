/// Sizes of each scenario. `full` is what docs/performance.md quotes; `quick` is a CI smoke run.
struct BenchPlan {
    static let scenarios = ["apply", "live_apply", "local_write", "sync", "sync_deflate", "sync_tls", "fanout", "memory", "growth", "lagging", "bootstrap", "scale"]

    var applyRows: Int
    var batch: Int
    /// `live_apply`: projects (ten ops each) applied one op per transaction.
    var liveApplyRows: Int
    var localEdits: Int
    var syncRows: Int
    var subscribers: Int
    var fanoutEdits: Int
    var fanoutIntervalMs: Int
    var idleConnections: Int
    var growthSizes: [Int]
    var growthProbeRows: Int
    var lagBacklog: Int
    var lagCommits: Int
    /// `bootstrap`: rows of the daemon's history and ops per row (issue 14).
    var bootstrapRows: Int
    var bootstrapOpsPerRow: Int
    /// `scale`: wire clients (and as many subscribers), pushes per client, projects (ten ops) per
    /// push, and the writer's edits timed through fan-out (issue 16).
    var scaleClients: Int
    var scalePushes: Int
    var scaleProjectsPerPush: Int
    var scaleEdits: Int

    /// 200,000 ops (20,000 projects × 10), batches of 1,000, and the other sizes of issues 6 and 15
    /// (100 subscribers, 1,000 idle connections, a laggard catching up 1,000,000 ops), and for
    /// `bootstrap` 1,000,000 ops on 10,000 rows (issue 14), and for `scale` 100 clients pushing
    /// 100,000 ops in all, then 100 subscribers timing 200 edits (issue 16).
    static let full = BenchPlan(applyRows: 20_000, batch: 1_000, liveApplyRows: 2_000, localEdits: 10_000, syncRows: 20_000,
                                subscribers: 100, fanoutEdits: 1_000, fanoutIntervalMs: 5, idleConnections: 1_000,
                                growthSizes: [10_000, 100_000, 1_000_000], growthProbeRows: 2_000,
                                lagBacklog: 1_000_000, lagCommits: 1_000,
                                bootstrapRows: 10_000, bootstrapOpsPerRow: 100,
                                scaleClients: 100, scalePushes: 10, scaleProjectsPerPush: 10, scaleEdits: 200)

    static let quick = BenchPlan(applyRows: 2_000, batch: 1_000, liveApplyRows: 200, localEdits: 500, syncRows: 1_000,
                                 subscribers: 10, fanoutEdits: 100, fanoutIntervalMs: 5, idleConnections: 50,
                                 growthSizes: [10_000, 50_000], growthProbeRows: 500,
                                 lagBacklog: 20_000, lagCommits: 100,
                                 bootstrapRows: 500, bootstrapOpsPerRow: 20,
                                 scaleClients: 10, scalePushes: 5, scaleProjectsPerPush: 10, scaleEdits: 20)
}
