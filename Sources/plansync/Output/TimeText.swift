import SyncModel

/// Readable UTC times for HLC readings (``SyncModel/UTCText``).
enum TimeText {
    /// `2027-02-03 09:12:45 UTC` for the reading's milliseconds.
    static func utc(_ hlc: HLCTimestamp) -> String {
        utc(milliseconds: hlc.milliseconds)
    }

    /// `YYYY-MM-DD hh:mm:ss UTC` for milliseconds since 1970-01-01T00:00:00Z.
    static func utc(milliseconds: UInt64) -> String {
        UTCText.dateTime(milliseconds: milliseconds, seconds: true)
    }
}
