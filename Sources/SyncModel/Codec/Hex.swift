/// Lowercase hexadecimal: the one spelling of bytes and 64-bit values in PlanSync's text forms
/// (HLC readings, the hashes behind conflict ids and rules versions, row-id halves, state hashes,
/// token hashes, certificate fingerprints), and the one reader of it.
///
/// ```swift
/// Hex.text(0x0193_7a8b_1c2d_0001)          // "01937a8b1c2d0001"
/// Hex.text(bytes: [0xde, 0xad])            // "dead"
/// Hex.uint64(parsing: "01937a8b1c2d0001")  // 0x0193_7a8b_1c2d_0001
/// ```
public enum Hex {
    /// `value` as exactly 16 lowercase hex digits, zero-padded, so that string order is numeric order.
    public static func text(_ value: UInt64) -> String {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 16) { out in
            write(value, into: out)
            return String(decoding: UnsafeBufferPointer(out), as: UTF8.self)
        }
    }

    /// Writes `value` as 16 lowercase hex digits into `out`, which holds at least 16 bytes.
    public static func write(_ value: UInt64, into out: UnsafeMutableBufferPointer<UInt8>) {
        var v = value
        for i in stride(from: 15, through: 0, by: -1) {
            out[i] = digit(of: UInt8(truncatingIfNeeded: v))
            v >>= 4
        }
    }

    /// Two lowercase hex digits per byte, in order (a SHA-256 digest gives 64).
    public static func text(bytes: some Sequence<UInt8>) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.underestimatedCount * 2)
        for b in bytes {
            out.append(digit(of: b >> 4))
            out.append(digit(of: b))
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// The value of exactly 16 lowercase hex digits (the form of ``text(_:)``); nil for anything else.
    public static func uint64(parsing text: some StringProtocol) -> UInt64? {
        uint64(digits: text.utf8)
    }

    /// ``uint64(parsing:)`` of UTF-8 bytes.
    public static func uint64(digits utf8: some Collection<UInt8>) -> UInt64? {
        guard utf8.count == 16 else { return nil }
        var value: UInt64 = 0
        for b in utf8 {
            guard let digit = digit(b) else { return nil }
            value = value << 4 | UInt64(digit)
        }
        return value
    }

    /// Whether `text` is exactly `count` lowercase hex digits.
    public static func isLowercase(_ text: some StringProtocol, count: Int) -> Bool {
        text.utf8.count == count && text.utf8.allSatisfy { digit($0) != nil }
    }

    /// The lowercase hex digit (ASCII) of the low four bits of `nibble`. Arithmetic, not a table:
    /// a global array costs a lazy-initialisation check and a retain on every digit.
    static func digit(of nibble: UInt8) -> UInt8 {
        let n = nibble & 0xF
        return n < 10 ? UInt8(ascii: "0") + n : UInt8(ascii: "a") - 10 + n
    }

    /// The value of one lowercase hex digit, nil for any other byte.
    static func digit(_ b: UInt8) -> UInt8? {
        switch b {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): b - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): b - UInt8(ascii: "a") + 10
        default: nil
        }
    }
}
