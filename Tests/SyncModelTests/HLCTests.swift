import TestSupport
import Foundation
import SyncModel
import Testing

/// Hybrid logical clock rules (Kulkarni et al. 2014, "Logical Physical Clocks", Algorithm 3).
@Suite("Hybrid logical clock")
struct HLCTests {
    // MARK: send / local event rule

    @Test func sendTakesTheWallClockWhenItIsAhead() throws {
        var clock = HybridLogicalClock(last: ts(1_000, 7))
        #expect(try clock.now(wallMilliseconds: 2_000) == ts(2_000, 0))
        #expect(clock.last == ts(2_000, 0))
    }

    @Test func sameMillisecondAdvancesTheCounter() throws {
        var clock = HybridLogicalClock()
        let a = try clock.now(wallMilliseconds: 1_000)
        let b = try clock.now(wallMilliseconds: 1_000)
        let c = try clock.now(wallMilliseconds: 1_000)
        #expect([a, b, c] == [ts(1_000, 0), ts(1_000, 1), ts(1_000, 2)])
    }

    @Test func wallClockGoingBackwardsStaysMonotonic() throws {
        var clock = HybridLogicalClock()
        let a = try clock.now(wallMilliseconds: 5_000)
        let b = try clock.now(wallMilliseconds: 4_000)   // NTP stepped the clock back
        let c = try clock.now(wallMilliseconds: 1)
        let d = try clock.now(wallMilliseconds: 5_001)
        #expect(a < b && b < c && c < d)
        #expect(b == ts(5_000, 1) && c == ts(5_000, 2))
        #expect(d == ts(5_001, 0))
    }

    @Test func counterOverflowRollsToTheNextMillisecond() throws {
        var clock = HybridLogicalClock(last: ts(1_000, 0xFFFE))
        #expect(try clock.now(wallMilliseconds: 1_000) == ts(1_000, 0xFFFF))
        #expect(try clock.now(wallMilliseconds: 1_000) == ts(1_001, 0))
        #expect(try clock.now(wallMilliseconds: 1_000) == ts(1_001, 1))
    }

    @Test func receiveOverflowRollsToTheNextMillisecond() throws {
        var clock = HybridLogicalClock(last: ts(10, 0))
        #expect(try clock.receive(ts(5_000, 0xFFFF), wallMilliseconds: 4_999) == ts(5_001, 0))
    }

    @Test func overflowAtTheLastMillisecondThrowsAndKeepsTheClock() {
        let top = HLCTimestamp(raw: UInt64.max)   // 2^48 − 1 ms, counter 0xFFFF
        var clock = HybridLogicalClock(last: top)
        #expect(throws: HLCError.outOfRange(milliseconds: HLCTimestamp.maxMilliseconds + 1)) {
            try clock.now(wallMilliseconds: 0)
        }
        #expect(clock.last == top)
    }

    // MARK: receive rule, the four cases of Algorithm 3

    @Test func receiveWhenLocalRemoteAndResultShareTheMillisecond() throws {
        // l = l' = l.m: c = max(c, c.m) + 1
        var clock = HybridLogicalClock(last: ts(3_000, 4))
        #expect(try clock.receive(ts(3_000, 9), wallMilliseconds: 2_000) == ts(3_000, 10))
        var other = HybridLogicalClock(last: ts(3_000, 9))
        #expect(try other.receive(ts(3_000, 4), wallMilliseconds: 2_000) == ts(3_000, 10))
    }

    @Test func receiveWhenTheLocalClockIsAhead() throws {
        // l = l' only: c = c + 1
        var clock = HybridLogicalClock(last: ts(3_000, 4))
        #expect(try clock.receive(ts(2_500, 60), wallMilliseconds: 2_000) == ts(3_000, 5))
    }

    @Test func receiveWhenTheRemoteClockIsAhead() throws {
        // l = l.m only: c = c.m + 1
        var clock = HybridLogicalClock(last: ts(3_000, 4))
        #expect(try clock.receive(ts(3_500, 60), wallMilliseconds: 2_000) == ts(3_500, 61))
        #expect(clock.last == ts(3_500, 61))
    }

    @Test func receiveWhenTheWallClockIsAhead() throws {
        // l = pt: c = 0
        var clock = HybridLogicalClock(last: ts(3_000, 4))
        #expect(try clock.receive(ts(3_500, 60), wallMilliseconds: 4_000) == ts(4_000, 0))
        // …also when local and remote share a millisecond behind the wall clock
        var same = HybridLogicalClock(last: ts(3_000, 4))
        #expect(try same.receive(ts(3_000, 60), wallMilliseconds: 3_001) == ts(3_001, 0))
    }

    @Test func receiveResultIsAfterBothReadings() throws {
        var rng = SplitMix64(seed: 0x4C43)
        for _ in 0..<500 {
            let local = ts(UInt64.random(in: 0...50, using: &rng), UInt16.random(in: 0...3, using: &rng))
            let remote = ts(UInt64.random(in: 0...50, using: &rng), UInt16.random(in: 0...3, using: &rng))
            var clock = HybridLogicalClock(last: local)
            let r = try clock.receive(remote, wallMilliseconds: UInt64.random(in: 0...50, using: &rng))
            #expect(r > local && r > remote)
        }
    }

    // MARK: skew

    @Test func skewRefusalLeavesTheClockUnchanged() throws {
        var clock = HybridLogicalClock(last: ts(1_000, 3))
        let wall: UInt64 = 2_000
        let far = ts(wall + HybridLogicalClock.defaultMaxSkewMilliseconds + 1, 0)
        #expect(throws: HLCError.clockSkew(remote: far, wallMilliseconds: wall, allowedMilliseconds: 300_000)) {
            try clock.receive(far, wallMilliseconds: wall)
        }
        #expect(clock.last == ts(1_000, 3))
        // exactly the allowed skew is still accepted
        let edge = ts(wall + HybridLogicalClock.defaultMaxSkewMilliseconds, 0)
        #expect(try clock.receive(edge, wallMilliseconds: wall) == ts(edge.milliseconds, 1))
    }

    @Test func skewLimitIsConfigurable() {
        var clock = HybridLogicalClock(maxSkewMilliseconds: 10)
        #expect(throws: HLCError.self) { try clock.receive(ts(1_011), wallMilliseconds: 1_000) }
        #expect(clock.last == .zero)
        #expect(throws: Never.self) { try clock.receive(ts(1_010), wallMilliseconds: 1_000) }
    }

    @Test func skewErrorSaysHowFarAhead() {
        let e = HLCError.clockSkew(remote: ts(400_000), wallMilliseconds: 1_000, allowedMilliseconds: 300_000)
        #expect(e.description.contains("399000 ms ahead"))
    }

    // MARK: text form

    @Test func textFormIsSixteenLowercaseHexDigits() throws {
        let t = try HLCTimestamp(milliseconds: 0x0193_7A8B_1C2D, counter: 1)
        #expect(t.description == "01937a8b1c2d0001")
        #expect(HLCTimestamp.zero.description == "0000000000000000")
        #expect(HLCTimestamp(raw: .max).description == "ffffffffffffffff")
        #expect(t.milliseconds == 0x0193_7A8B_1C2D && t.counter == 1)
    }

    @Test func stringOrderIsTimeOrder() {
        var rng = SplitMix64(seed: 0x0D3D)
        for _ in 0..<2_000 {
            // mix wide and close readings so equal prefixes are common
            let a = HLCTimestamp(raw: rng.chance(0.5) ? rng.next() : UInt64.random(in: 0...0x1_0005, using: &rng))
            let b = HLCTimestamp(raw: rng.chance(0.5) ? rng.next() : UInt64.random(in: 0...0x1_0005, using: &rng))
            #expect((a < b) == (a.description < b.description))
            #expect(HLCTimestamp(parsing: a.description) == a)
        }
    }

    @Test(arguments: ["", "01937a8b1c2d000", "01937a8b1c2d00011", "01937A8B1C2D0001", "01937a8b1c2d000g",
                      " 1937a8b1c2d0001", "0x937a8b1c2d0001", "-1937a8b1c2d0001", "01937a8b1c2d00０1"])
    func parseRejectsBadText(_ text: String) {
        #expect(HLCTimestamp(parsing: text) == nil)
    }

    @Test func millisecondsBeyond48BitsAreRefused() {
        #expect(throws: HLCError.outOfRange(milliseconds: 1 << 48)) {
            try HLCTimestamp(milliseconds: 1 << 48, counter: 0)
        }
    }

    @Test func codableUsesTheTextForm() throws {
        let t = ts(0x0193_7A8B_1C2D, 1)
        #expect(try encodeJSON([t]) == #"["01937a8b1c2d0001"]"#)
        #expect(try JSONDecoder().decode([HLCTimestamp].self, from: Data(#"["01937a8b1c2d0001"]"#.utf8)) == [t])
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode([HLCTimestamp].self, from: Data(#"["01937A8B1C2D0001"]"#.utf8))
        }
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode([HLCTimestamp].self, from: Data("[1234]".utf8))
        }
    }
}
