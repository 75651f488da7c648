/// New row ids: UUID version 7 (RFC 9562, section 5.7), lowercase, in the 8-4-4-4-12 form.
///
/// The first 48 bits are the Unix time in milliseconds and the rest (after the version and
/// variant bits) are random: 74 random bits keep rows made offline on different replicas from
/// colliding, as version 4 ids do, while ids made close in time sort close together. Every
/// replica keys its tables by row id, so the rows of one working session land on neighbouring
/// B-tree pages instead of one page each; a sync of a thousand new rows then writes tens of pages
/// rather than thousands.
///
/// ```swift
/// RowID.make(unixMilliseconds: 1_764_400_000_000)   // "019ace6f-6c00-7a3f-9b1e-5f0c2d4e6a81"
/// ```
public enum RowID {
    /// A new id for a row created at `unixMilliseconds` (clamped to 48 bits).
    public static func make(unixMilliseconds: UInt64) -> String {
        var generator = SystemRandomNumberGenerator()
        return make(unixMilliseconds: unixMilliseconds, using: &generator)
    }

    /// A new id drawing its random bits from `generator` (seeded generators make tests repeatable).
    public static func make<G: RandomNumberGenerator>(unixMilliseconds: UInt64, using generator: inout G) -> String {
        let time = min(unixMilliseconds, HLCTimestamp.maxMilliseconds)
        let highRandom = generator.next() as UInt64
        let lowRandom = generator.next() as UInt64
        // 48 bits time | 4 bits version (7) | 12 bits random
        let high = time << 16 | 0x7000 | (highRandom & 0x0FFF)
        // 2 bits variant (10) | 62 bits random
        let low = (lowRandom & 0x3FFF_FFFF_FFFF_FFFF) | 0x8000_0000_0000_0000
        var text = Hex.text(high) + Hex.text(low)
        for offset in [20, 16, 12, 8] {
            text.insert("-", at: text.index(text.startIndex, offsetBy: offset))
        }
        return text
    }
}
