/// A hybrid logical clock reading: 48-bit milliseconds since the Unix epoch and a 16-bit counter
/// (Kulkarni et al. 2014, "Logical Physical Clocks").
///
/// Its text form is 16 lowercase hex digits, so string order is time order:
/// ```swift
/// let t = try HLCTimestamp(milliseconds: 1_733_000_000_000, counter: 1)
/// t.description            // "0193...0001"
/// HLCTimestamp(parsing: t.description) == t   // true
/// ```
public struct HLCTimestamp: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// Largest millisecond value (2^48 − 1).
    public static let maxMilliseconds: UInt64 = (1 << 48) - 1
    /// The zero reading, before any event.
    public static let zero = HLCTimestamp(raw: 0)

    /// `milliseconds << 16 | counter`.
    public let raw: UInt64

    /// Makes a reading from its packed form.
    public init(raw: UInt64) { self.raw = raw }

    /// Makes a reading; throws ``HLCError/outOfRange(milliseconds:)`` above 2^48 − 1 ms.
    public init(milliseconds: UInt64, counter: UInt16) throws(HLCError) {
        guard milliseconds <= HLCTimestamp.maxMilliseconds else { throw .outOfRange(milliseconds: milliseconds) }
        raw = milliseconds << 16 | UInt64(counter)
    }

    /// Milliseconds since 1970-01-01T00:00:00Z.
    public var milliseconds: UInt64 { raw >> 16 }
    /// Logical counter within one millisecond.
    public var counter: UInt16 { UInt16(truncatingIfNeeded: raw) }

    /// Parses exactly 16 lowercase hex digits (``Hex/uint64(parsing:)``).
    public init?(parsing text: String) {
        guard let value = Hex.uint64(parsing: text) else { return nil }
        raw = value
    }

    /// 16 lowercase hex digits.
    public var description: String { Hex.text(raw) }

    public static func < (lhs: HLCTimestamp, rhs: HLCTimestamp) -> Bool { lhs.raw < rhs.raw }
}

extension HLCTimestamp: Codable {
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let value = HLCTimestamp(parsing: text) else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "invalid hlc \"\(text.prefix(80))\": expected 16 lowercase hex digits")
        }
        self = value
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}

/// Errors of the hybrid logical clock.
public enum HLCError: Error, Equatable, CustomStringConvertible {
    /// A remote reading more than the allowed skew ahead of the local wall clock.
    case clockSkew(remote: HLCTimestamp, wallMilliseconds: UInt64, allowedMilliseconds: UInt64)
    /// A millisecond value that does not fit in 48 bits.
    case outOfRange(milliseconds: UInt64)

    public var description: String {
        switch self {
        case let .clockSkew(remote, wall, allowed):
            let ahead = remote.milliseconds > wall ? remote.milliseconds - wall : 0
            return "clock \(remote) is \(ahead) ms ahead of this clock (allowed \(allowed) ms)"
        case let .outOfRange(ms):
            return "time \(ms) ms does not fit in 48 bits"
        }
    }
}
