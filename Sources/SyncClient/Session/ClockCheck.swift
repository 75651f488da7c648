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

    /// Observes the server time and reports, through `report` and `logger`, a local clock more
    /// than `threshold` ms ahead of it or more than twice `maxSkew` ms behind it. Returns how far
    /// behind the local clock is when that is beyond twice `maxSkew` (protocol/PROTOCOL.md §8.1:
    /// the client stops pushing), nil otherwise. A server time beyond the skew is not taken into
    /// the HLC.
    static func observe(_ server: HLCTimestamp, replica: any SyncingReplica, threshold: UInt64, maxSkew: UInt64,
                        logger: Logger, report: (SyncEvent) -> Void) throws(SyncClientError) -> UInt64? {
        // `welcome.time` is the daemon's HLC, which other clients' ops may have moved ahead of its
        // wall clock by up to the allowed skew: a local clock behind it by more than twice that
        // is behind the daemon's wall clock by more than the skew, surely wrong; less may be a
        // right clock next to an HLC a fast laptop moved. One ahead by more than the threshold is.
        let drift = drift(server: server, wallMilliseconds: wallMilliseconds())
        var behind: UInt64?
        if drift > Int64(clamping: threshold) {
            logger.warning("local clock is \(drift / 1000) s ahead of the server's; check the clock of this machine")
            report(.clockDrift(milliseconds: drift))
        } else if drift < 0, drift.magnitude > maxSkew.multipliedReportingOverflow(by: 2).partialValue {
            logger.warning("local clock is \(drift.magnitude / 1000) s behind the server's; nothing is pushed until it is fixed")
            report(.clockDrift(milliseconds: drift))
            behind = drift.magnitude
        }
        do {
            try replica.observe(serverTime: server)
        } catch let skew as HLCError {
            logger.warning("server time not taken into the local clock: \(skew)")
        } catch {
            throw .replica("observing the server time: \(error)")
        }
        return behind
    }
}
