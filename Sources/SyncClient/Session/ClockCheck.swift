import Foundation
import Logging
import SyncModel

/// What the client does with `welcome.time`: feeds it to the replica's HLC (receive rule) and
/// reports a local clock far from the server's, before anything is pushed.
enum ClockCheck {
    /// The local wall clock in milliseconds since the epoch.
    static func wallMilliseconds() -> UInt64 {
        UInt64(max(0, Date().timeIntervalSince1970 * 1000))
    }

    /// Local minus server, in milliseconds (positive: the local clock is ahead).
    static func drift(server: HLCTimestamp, wallMilliseconds wall: UInt64) -> Int64 {
        Int64(clamping: wall) - Int64(clamping: server.milliseconds)
    }

    /// Observes the server time and warns through `report` and `logger` when the local clock is more
    /// than `threshold` ms ahead of it. A server clock beyond the replica's allowed skew is only warned
    /// about: the HLC then stays where it was, and the daemon judges the pushed ops itself.
    static func observe(_ server: HLCTimestamp, replica: any SyncingReplica, threshold: UInt64,
                        logger: Logger, report: (SyncEvent) -> Void) throws(SyncClientError) {
        // `welcome.time` is the daemon's HLC, which other clients' ops may have moved ahead of its
        // wall clock (up to the allowed skew), so only a local clock ahead of it says something.
        let drift = drift(server: server, wallMilliseconds: wallMilliseconds())
        if drift > Int64(clamping: threshold) {
            logger.warning("local clock is \(drift / 1000) s ahead of the server's; check the clock of this machine")
            report(.clockDrift(milliseconds: drift))
        }
        do {
            try replica.observe(serverTime: server)
        } catch let skew as HLCError {
            logger.warning("server time not taken into the local clock: \(skew)")
        } catch {
            throw .replica("observing the server time: \(error)")
        }
    }
}
