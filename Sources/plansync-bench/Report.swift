import Foundation

/// The figures of one run; `json()` prints the shape of issue 6.
struct BenchReport: Encodable {
    var apply: ApplyBench.Result?
    /// `apply` one op per transaction, as a watcher keeping up with live edits applies them: the
    /// cost each of `fanout`'s subscribers pays per edit.
    var live_apply: ApplyBench.Result?
    var local_write: LocalWriteBench.Result?
    var sync: SyncBench.Result?
    /// `sync` with deflate negotiated: bytes per op on the wire and throughput beside plain `sync`.
    var sync_deflate: SyncBench.Result?
    var sync_tls: SyncBench.Result?
    var fanout: FanoutBench.Result?
    var memory: MemoryBench.Result?
    var growth: [GrowthBench.Point]?
    var lagging: LaggingBench.Result?
    var bootstrap: BootstrapBench.Result?
    /// One daemon on SQLite beside two on one PostgreSQL (issue 16).
    var scale: ScaleBench.Result?

    func json() -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        guard let data = try? encoder.encode(self) else { return "{}" }
        return String(decoding: data, as: UTF8.self)
    }

    func table(plan: BenchPlan) -> String {
        var lines: [(String, String)] = []
        func f(_ x: Double, _ digits: Int = 0) -> String { String(format: "%.\(digits)f", x) }
        if let a = apply {
            lines.append(("apply", "\(f(a.ops_per_s)) ops/s (\(a.ops) ops, batches of \(a.batch))"))
            lines.append(("  plain SQLite upserts", "\(f(a.sqlite_ops_per_s)) ops/s, ratio \(f(a.ratio, 2))x"))
        }
        if let a = live_apply {
            lines.append(("live_apply", "\(f(a.ops_per_s)) ops/s one op per transaction (\(f(1_000_000 / a.ops_per_s)) µs each, \(a.ops) ops)"))
            lines.append(("  plain SQLite upserts", "\(f(a.sqlite_ops_per_s)) ops/s, ratio \(f(a.ratio, 2))x"))
        }
        if let l = local_write {
            lines.append(("local_write", "\(f(l.ops_per_s)) edits/s, p50 \(f(l.p50_ms, 2)) ms, p99 \(f(l.p99_ms, 2)) ms (\(l.edits) edits)"))
        }
        if let s = sync {
            lines.append(("sync", "\(f(s.ops_per_s)) ops/s end to end, \(f(s.bytes_per_op, 1)) bytes/op (\(s.ops) ops)"))
        }
        if let d = sync_deflate {
            let share = sync.map { " (\(f(100 * d.ops_per_s / $0.ops_per_s)) % of plain)" } ?? ""
            lines.append(("sync_deflate", "\(f(d.ops_per_s)) ops/s end to end with deflate\(share), \(f(d.bytes_per_op, 1)) bytes/op"))
        }
        if let t = sync_tls {
            let share = sync.map { " (\(f(100 * t.ops_per_s / $0.ops_per_s)) % of plain TCP)" } ?? ""
            lines.append(("sync_tls", "\(f(t.ops_per_s)) ops/s end to end over TLS\(share), \(f(t.bytes_per_op, 1)) bytes/op"))
        }
        if let fo = fanout {
            lines.append(("fanout", "\(fo.subscribers) subscribers, p50 \(f(fo.p50_ms, 2)) ms, p99 \(f(fo.p99_ms, 2)) ms; the writer made \(f(fo.edits_per_s)) edits/s"))
        }
        if let m = memory {
            lines.append(("memory", "\(f(m.rss_mib, 1)) MiB \(m.daemon) RSS with \(m.idle_connections) idle connections"))
            lines.append(("  deflate", "\(f(m.rss_deflate_mib, 1)) MiB with as many that negotiated deflate"))
        }
        for point in growth ?? [] {
            lines.append(("growth", "\(f(point.ops_per_s)) ops/s with \(point.ops) ops held"))
        }
        if let l = lagging {
            lines.append(("lagging", "writer p99 \(f(l.commit_p99_ms_alone, 2)) ms alone, \(f(l.commit_p99_ms_with_laggard, 2)) ms beside a laggard (\(f(l.ratio, 2))x; it read \(f(l.laggard_read_mib, 1)) MiB of \(l.backlog_ops) ops); daemon \(f(l.daemon_rss_mib, 1)) MiB"))
            if let peak = l.watch_client_peak_rss_mib, let s = l.watch_client_catch_up_s {
                lines.append(("  sync --watch catching up", "peak \(f(peak, 1)) MiB RSS, \(f(s, 1)) s"))
            }
        }
        if let b = bootstrap {
            lines.append(("bootstrap", "new replica ready in \(f(b.snapshot_s, 2)) s by snapshot, \(f(b.replay_s, 2)) s by replay (\(f(b.speedup, 1))x; \(b.ops) ops on \(b.rows) rows)"))
            lines.append(("  daemon file", "\(b.file_bytes_before) → \(b.file_bytes_after) bytes after compaction (\(f(100 * b.size_ratio, 1)) %)"))
        }
        if let scale {
            for setup in [scale.sqlite] + (scale.postgres.map { [$0] } ?? []) {
                let other = setup.fanout_p99_ms_other_daemon.map { ", p99 \(f($0, 1)) ms on the other daemon" } ?? ""
                lines.append(("scale", "\(setup.backend), \(setup.daemons) daemon(s), \(setup.clients) clients: \(f(setup.ops_per_s)) ops/s; fan-out p50 \(f(setup.fanout_p50_ms, 1)) ms, p99 \(f(setup.fanout_p99_ms, 1)) ms\(other)"))
            }
            if let skipped = scale.postgres_skipped { lines.append(("  postgres", "skipped: \(skipped)")) }
        }
        let width = lines.map(\.0.count).max() ?? 0
        return lines.map { $0.0.padding(toLength: width, withPad: " ", startingAt: 0) + "  " + $0.1 }.joined(separator: "\n")
    }
}
