import SyncModel

/// Readable UTC times for HLC readings, computed from the days since the epoch (proleptic Gregorian
/// calendar, H. Hinnant's `civil_from_days`), so output never depends on the machine's locale or zone.
enum TimeText {
    /// `2027-02-03 09:12:45 UTC` for the reading's milliseconds.
    static func utc(_ hlc: HLCTimestamp) -> String {
        utc(milliseconds: hlc.milliseconds)
    }

    /// `YYYY-MM-DD hh:mm:ss UTC` for milliseconds since 1970-01-01T00:00:00Z.
    static func utc(milliseconds: UInt64) -> String {
        let seconds = Int64(milliseconds / 1000)
        let days = seconds / 86_400
        let rest = seconds % 86_400
        let (y, m, d) = civil(fromDays: days)
        return "\(pad(y, 4))-\(pad(m, 2))-\(pad(d, 2)) \(pad(rest / 3600, 2)):\(pad(rest % 3600 / 60, 2)):\(pad(rest % 60, 2)) UTC"
    }

    /// Year, month, day of the day `days` after 1970-01-01.
    static func civil(fromDays days: Int64) -> (Int64, Int64, Int64) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
    }

    private static func pad(_ n: Int64, _ width: Int) -> String {
        let s = String(n)
        return s.count >= width ? s : String(repeating: "0", count: width - s.count) + s
    }
}
