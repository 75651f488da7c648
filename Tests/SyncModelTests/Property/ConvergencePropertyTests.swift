import TestSupport
import Foundation
import SyncModel
import Testing

/// Property: replicas that sync through the server in any order, with lost acks, repeated pages and
/// re-pushed ops, end with the same canonical state and the same open conflicts as a fresh replica
/// of the log, and the log holds every op once (see ``ConvergenceSimulation``).
///
/// Each run draws new seeds. A failure prints the schedule's seed; replay it alone, with a trace, by
/// `PLANSYNC_SEED=0x… swift test --filter ConvergencePropertyTests`.
@Suite("Convergence property")
struct ConvergencePropertyTests {
    static let batches = 8
    static let schedulesPerBatch = 128   // 8 × 128 = 1,024 schedules per run
    static let runSeed = UInt64.random(in: .min ... .max)

    static var replaySeed: UInt64? {
        guard let text = ProcessInfo.processInfo.environment["PLANSYNC_SEED"]?.lowercased() else { return nil }
        return text.hasPrefix("0x") ? UInt64(text.dropFirst(2), radix: 16) : UInt64(text)
    }

    static func hex(_ seed: UInt64) -> String { "0x" + String(seed, radix: 16) }

    @Test(arguments: 0..<batches)
    func randomSchedulesConverge(batch: Int) {
        if let seed = Self.replaySeed {
            if batch == 0 { replay(seed) }
            return
        }
        guard let stats = runBatch(seed: Self.runSeed &+ UInt64(batch) &* 0x2545_F491_4F6C_DD1D, compacting: false) else { return }
        #expect(stats.schedules == Self.schedulesPerBatch)
        // The schedules must reach the cases the properties are about, or they prove little.
        #expect(stats.duplicates > 0 && stats.lostAcks > 0 && stats.redeliveries > 0)
        #expect(stats.resolutions > 0 && stats.deletes > 0 && stats.restores > 0 && stats.removes > 0)
        #expect(stats.finalRegisterConflicts > 0 && stats.finalEditOnDeleted > 0 && stats.deletedRegisterConflicts > 0)
        // Texts that Swift calls equal and the bytes do not stay apart in ids and set elements.
        #expect(stats.equivalentRows > 0 && stats.equivalentElements > 0)
    }

    /// The same schedules with the server compacting at random moments: replicas offline across
    /// a compaction (with unsent ops, open conflicts and deleted rows) bootstrap from the snapshot
    /// or push ops naming compacted dots, and every replica ends with the state and conflict ids
    /// of a fresh replica of the uncompacted log (``ConvergenceSimulation``, `compacting`).
    @Test(arguments: 0..<batches)
    func randomSchedulesConvergeAcrossCompaction(batch: Int) {
        if let seed = Self.replaySeed {
            if batch == 0 { replay(seed, compacting: true) }
            return
        }
        guard let stats = runBatch(seed: Self.runSeed &+ UInt64(batch) &* 0x9E37_79B9_7F4A_7C15, compacting: true) else { return }
        #expect(stats.compactions > 0 && stats.bootstraps > 0 && stats.bootstrapsWithOutbox > 0)
        #expect(stats.restartedTransfers > 0 && stats.namedCompacted > 0)
        #expect(stats.duplicates > 0 && stats.lostAcks > 0)
        #expect(stats.finalRegisterConflicts > 0 && stats.finalEditOnDeleted > 0 && stats.deletes > 0)
    }

    /// Runs one batch of schedules seeded from `seed`; records each failure (the first three)
    /// and returns the batch's statistics, nil when a schedule failed.
    private func runBatch(seed: UInt64, compacting: Bool) -> ConvergenceSimulation.Stats? {
        var seeds = SplitMix64(seed: seed)
        var stats = ConvergenceSimulation.Stats()
        var failed = 0
        for _ in 0..<Self.schedulesPerBatch {
            let seed = seeds.next()
            var sim = ConvergenceSimulation(seed: seed, compacting: compacting)
            let failures = sim.run()
            stats.add(sim.stats)
            if !failures.isEmpty {
                failed += 1
                Issue.record("""
                    schedule \(Self.hex(seed))\(compacting ? " with compaction" : "") failed:
                    \(failures.prefix(6).joined(separator: "\n"))
                    replay with a trace: PLANSYNC_SEED=\(Self.hex(seed)) swift test --filter ConvergencePropertyTests
                    """)
                if failed == 3 { break }
            }
        }
        return failed == 0 ? stats : nil
    }

    private func replay(_ seed: UInt64, compacting: Bool = false) {
        var sim = ConvergenceSimulation(seed: seed, tracing: true, compacting: compacting)
        let failures = sim.run()
        print("schedule \(Self.hex(seed)): \(sim.replicas.map(\.node).joined(separator: ", "))")
        for line in sim.trace?.lines ?? [] { print("  " + line) }
        for (i, f) in failures.enumerated() { Issue.record("schedule \(Self.hex(seed)) failure \(i + 1): \(f)") }
        if failures.isEmpty { print("schedule \(Self.hex(seed)): all properties hold") }
    }
}
