import Testing
@testable import SyncServer

/// When the daemon's readable replica catches up with the log: a few edits at once; a burst after
/// a pause in commits, or at the latest a bounded time after the first commit waiting.
@Suite("Materialize timer")
struct MaterializeTimerTests {
    static let ms: UInt64 = 1_000_000
    static let burst = MaterializeTimer.promptOps + 1

    static func timer(quiet: UInt64 = 100, maxDelay: UInt64 = 5_000) -> MaterializeTimer {
        MaterializeTimer(quietNanoseconds: Int64(quiet * ms), maxDelayNanoseconds: Int64(maxDelay * ms))
    }

    @Test func aFewEditsGoAtOnce() {
        var timer = Self.timer()
        let armed = timer.committed(ops: 3, at: 0)
        #expect(armed == 0)
        let more = timer.committed(ops: 5, at: 1)
        #expect(more == nil)   // armed already; goes with the same run
        let fired = timer.fired(at: 1)
        #expect(fired == .run)
    }

    @Test func aBurstRunsOnceCommitsPause() {
        var timer = Self.timer()
        let armed = timer.committed(ops: Self.burst, at: 0)
        #expect(armed == 100 * Self.ms)
        let again = timer.committed(ops: Self.burst, at: 50 * Self.ms)
        #expect(again == nil)
        let early = timer.fired(at: 100 * Self.ms)
        #expect(early == .wait(50 * Self.ms))   // the last commit was only 50 ms ago
        let quiet = timer.fired(at: 150 * Self.ms)
        #expect(quiet == .run)
        let after = timer.fired(at: 300 * Self.ms)
        #expect(after == .idle)
        let nextRound = timer.committed(ops: 1, at: 400 * Self.ms)
        #expect(nextRound == 0)
    }

    @Test func aSteadyStreamOfCommitsWaitsAtMostTheMaximumDelay() {
        var timer = Self.timer(maxDelay: 1_000)
        var now: UInt64 = 0
        var delay = timer.committed(ops: Self.burst, at: now) ?? 0
        var ran: UInt64?
        while ran == nil, now < 10_000 * Self.ms {
            // A commit every 20 ms, the timer going off when it asked to.
            let fireAt = now + delay
            while now + 20 * Self.ms <= fireAt {
                now += 20 * Self.ms
                let rearmed = timer.committed(ops: Self.burst, at: now)
                #expect(rearmed == nil)
            }
            now = fireAt
            switch timer.fired(at: now) {
            case .run: ran = now
            case .wait(let next): delay = next
            case .idle: Issue.record("nothing pending at \(now)")
            }
        }
        #expect(ran == 1_000 * Self.ms)
    }

    @Test func drainTakesWhatWaits() {
        var timer = Self.timer()
        let nothing = timer.takeAll()
        #expect(!nothing)
        _ = timer.committed(ops: Self.burst, at: 0)
        let pending = timer.takeAll()
        #expect(pending)
        let stale = timer.fired(at: 100 * Self.ms)
        #expect(stale == .idle)   // the armed timer finds nothing left
        let nextRound = timer.committed(ops: Self.burst, at: 200 * Self.ms)
        #expect(nextRound == 100 * Self.ms)
    }
}
