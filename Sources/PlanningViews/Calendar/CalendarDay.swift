import Foundation
import SyncModel

/// A calendar day (proleptic Gregorian, no time zone) as the views compare dates: `due`, `start`,
/// `end` against today. Days are counted from 1970-01-01 (H. Hinnant's `days_from_civil`).
///
/// ```swift
/// CalendarDay("2027-03-01")!.days - CalendarDay("2027-02-01")!.days   // 28
/// ```
public struct CalendarDay: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// Days since 1970-01-01 (negative before).
    public let days: Int
    /// `YYYY-MM-DD`.
    public let text: String

    /// The day a `YYYY-MM-DD` text names; nil unless it is a real day.
    public init?(_ text: String) {
        guard CalendarText.isDate(text) else { return nil }
        let b = Array(text.utf8)
        func n(_ start: Int, _ count: Int) -> Int { b[start..<start + count].reduce(0) { $0 * 10 + Int($1 - 48) } }
        days = Self.daysFromCivil(year: n(0, 4), month: n(5, 2), day: n(8, 2))
        self.text = text
    }

    /// The date part of a datetime or date text (`2027-02-01T10:00:00+08:00` → 2027-02-01, as
    /// written, in the writer's zone); nil when it does not start with a real day.
    public init?(prefixOf text: String) {
        self.init(String(decoding: Array(text.utf8.prefix(10)), as: UTF8.self))
    }

    /// Today in UTC according to `now`.
    public static func today(now: Date = Date()) -> CalendarDay {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let c = calendar.dateComponents([.year, .month, .day], from: now)
        func pad(_ v: Int, _ w: Int) -> String { let s = String(v); return String(repeating: "0", count: max(0, w - s.count)) + s }
        return CalendarDay("\(pad(c.year ?? 1970, 4))-\(pad(c.month ?? 1, 2))-\(pad(c.day ?? 1, 2))")!
    }

    /// The `YYYY-MM-DD` text.
    public var description: String { text }

    /// Earlier days first.
    public static func < (a: CalendarDay, b: CalendarDay) -> Bool { a.days < b.days }

    static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }
}

/// A datetime field (`YYYY-MM-DDThh:mm:ss[.f](Z|±hh:mm)`) as seconds since the epoch in UTC, so
/// that meetings written in different zones sort by when they happen.
public enum Instant {
    /// Seconds since 1970-01-01T00:00:00Z; nil when the text is not a valid datetime.
    public static func seconds(of text: String) -> Int? {
        guard CalendarText.isDateTime(text), let day = CalendarDay(prefixOf: text) else { return nil }
        let b = Array(text.utf8)
        func n(_ start: Int) -> Int { Int(b[start] - 48) * 10 + Int(b[start + 1] - 48) }
        var offset = 0
        if b.last != UInt8(ascii: "Z") {
            let i = b.count - 6
            offset = (n(i + 1) * 3600 + n(i + 4) * 60) * (b[i] == UInt8(ascii: "-") ? -1 : 1)
        }
        return day.days * 86_400 + n(11) * 3600 + n(14) * 60 + n(17) - offset
    }
}
