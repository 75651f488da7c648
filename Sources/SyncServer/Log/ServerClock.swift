import Foundation
import SyncModel

/// The server's hybrid logical clock, shared by all connections: `welcome.time` reads it and every
/// committed op's HLC goes through the receive rule.
final class ServerClock: @unchecked Sendable {
    private let lock = NSLock()
    private var clock: HybridLogicalClock
    private let wall: @Sendable () -> UInt64

    init(maxSkewMilliseconds: UInt64, wall: @escaping @Sendable () -> UInt64) {
        clock = HybridLogicalClock(maxSkewMilliseconds: maxSkewMilliseconds)
        self.wall = wall
    }

    /// A new reading (send rule).
    func now() -> HLCTimestamp {
        lock.withLock {
            // Fails only past the year 10889 (48-bit milliseconds); then the last reading stands.
            (try? clock.now(wallMilliseconds: wall())) ?? clock.last
        }
    }

    /// Receive rule for committed ops; admission already refused readings beyond the skew.
    func observe(_ ops: [Op]) {
        guard let newest = ops.lazy.map(\.hlc).max() else { return }
        lock.withLock { _ = try? clock.receive(newest, wallMilliseconds: wall()) }
    }

    /// Wall clock in milliseconds.
    func wallMilliseconds() -> UInt64 { wall() }
}
