/// What the daemon's storage says about a presented token (``ServerLogStorage/checkToken(_:nowMilliseconds:recordUse:)``).
public enum TokenCheck: Equatable, Sendable {
    /// Valid: the department it is bound to.
    case valid(department: String)
    /// No such token (only hashes are stored, so a typo looks like this).
    case unknown
    /// Withdrawn with `plansyncd token revoke`.
    case revoked
    /// Past its `token add --expires` date, in Unix milliseconds.
    case expired(atMilliseconds: UInt64)

    /// The department when valid.
    public var department: String? {
        if case .valid(let department) = self { return department }
        return nil
    }

    /// Why a hello with this token is refused (`auth_failed`), nil when valid.
    public var refusal: String? {
        switch self {
        case .valid: nil
        case .unknown: "the token is unknown"
        case .revoked: "the token was revoked"
        case .expired(let ms): "the token expired at \(UTCText.dateTime(milliseconds: ms)); ask the operator for a new one"
        }
    }
}

/// Dates in refusals and listings, as `2026-05-01 12:00 UTC`.
public enum UTCText {
    /// `YYYY-MM-DD hh:mm UTC` for Unix milliseconds (proleptic Gregorian, days from the civil algorithm).
    public static func dateTime(milliseconds: UInt64) -> String {
        let seconds = Int64(milliseconds / 1000)
        let days = seconds / 86_400, rest = seconds % 86_400
        // Howard Hinnant's days_from_civil inverse.
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        let year = yoe + era * 400 + (month <= 2 ? 1 : 0)
        func two(_ n: Int64) -> String { n < 10 ? "0\(n)" : "\(n)" }
        return "\(year)-\(two(month))-\(two(day)) \(two(rest / 3600)):\(two(rest % 3600 / 60)) UTC"
    }
}
