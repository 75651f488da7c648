/// Readable UTC times, computed from the days since the epoch (proleptic Gregorian calendar,
/// H. Hinnant's `civil_from_days`), so output never depends on the machine's locale or zone.
/// The one home of this arithmetic: refusals, listings and the CLI all print through it.
///
/// ```swift
/// UTCText.dateTime(milliseconds: 1_746_100_800_000)                  // "2025-05-01 12:00 UTC"
/// UTCText.dateTime(milliseconds: 1_746_100_800_000, seconds: true)   // "2025-05-01 12:00:00 UTC"
/// ```
public enum UTCText {
    /// `YYYY-MM-DD hh:mm UTC` (or `hh:mm:ss` with `seconds`) for Unix milliseconds.
    public static func dateTime(milliseconds: UInt64, seconds withSeconds: Bool = false) -> String {
        let seconds = Int64(milliseconds / 1000)
        let rest = seconds % 86_400
        let (y, m, d) = civil(fromDays: seconds / 86_400)
        let time = "\(pad(rest / 3600, 2)):\(pad(rest % 3600 / 60, 2))" + (withSeconds ? ":\(pad(rest % 60, 2))" : "")
        return "\(pad(y, 4))-\(pad(m, 2))-\(pad(d, 2)) \(time) UTC"
    }

    /// Year, month and day of the day `days` after 1970-01-01.
    public static func civil(fromDays days: Int64) -> (year: Int64, month: Int64, day: Int64) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
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
