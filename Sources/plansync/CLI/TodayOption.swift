import ArgumentParser
import Foundation
import PlanningViews

/// The day views are made for: today in UTC, unless the hidden `--today YYYY-MM-DD` or
/// `$PLANSYNC_TODAY` says otherwise (tests and rehearsals of a coming week).
struct TodayOption: ParsableArguments {
    @Option(name: .customLong("today"), help: .hidden)
    var today: String?

    /// `--today`, else a non-empty `$PLANSYNC_TODAY`, else the system's date in UTC; a text that
    /// is not a real `YYYY-MM-DD` day is a user error.
    func day() throws -> CalendarDay {
        let given = today ?? ProcessInfo.processInfo.environment["PLANSYNC_TODAY"].flatMap { $0.isEmpty ? nil : $0 }
        guard let given else { return CalendarDay.today() }
        guard let day = CalendarDay(given) else {
            throw CLIError.user("today: \(QuotedInput.short(given)) is not a day (YYYY-MM-DD)")
        }
        return day
    }
}

/// User text quoted for a one-line error, cut to 80 characters.
enum QuotedInput {
    static func short(_ text: String) -> String { "\"" + TextCell.oneLine(String(text.prefix(80))) + "\"" }
}
