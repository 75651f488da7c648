/// The ±2^53 rule on numbers as written (DESIGN.md, "Text and numbers": every number crosses every
/// path within ±2^53 or is refused).
///
/// The rule is decided on the decimal digits, before any rounding: `9007199254740993` and
/// `9007199254740992.5` both round to the double 2^53, yet both lie beyond it and are refused,
/// while `9007199254740992` and `9007199254740992.0` are the limit itself and pass.
///
/// ```swift
/// NumberText.parse("1.5")                  // .real(1.5)
/// NumberText.parse("80000000")             // .integer(80000000)
/// NumberText.parse("9007199254740992.5")   // nil: beyond ±2^53
/// NumberText.parse("0x10")                 // nil: not a JSON number
/// ```
public enum NumberText {
    /// 2^53, the largest magnitude any number may have on any path.
    public static let limit: UInt64 = 1 << 53
    private static let limitDigits = Array("9007199254740992".utf8)

    /// A number typed by a person or read from a file.
    public enum Parsed: Equatable, Sendable {
        /// Written without fraction or exponent.
        case integer(Int64)
        /// Written with a fraction or exponent; finite.
        case real(Double)
    }

    /// Parses `text` as one JSON number literal (RFC 8259 §6: no `+`, no leading zeros, no hex,
    /// no white space around it) whose exact value is within ±2^53 and does not underflow to 0;
    /// nil otherwise.
    public static func parse(_ text: String) -> Parsed? {
        var text = text
        return text.withUTF8 { bytes -> Parsed? in
            guard isLiteral(bytes), !isBeyondLimit(bytes) else { return nil }
            if !bytes.contains(where: { $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "e") || $0 == UInt8(ascii: "E") }) {
                return Int64(String(decoding: bytes, as: UTF8.self)).map(Parsed.integer)
            }
            guard let d = Double(String(decoding: bytes, as: UTF8.self)), d.isFinite else { return nil }
            // As on the wire: non-zero digits that underflow to 0 (`1e-400`) are refused, not zeroed.
            if d == 0, bytes.prefix(while: { $0 != UInt8(ascii: "e") && $0 != UInt8(ascii: "E") })
                .contains(where: { $0 >= UInt8(ascii: "1") && $0 <= UInt8(ascii: "9") }) { return nil }
            return .real(d)
        }
    }

    /// Whether the exact value of the JSON number literal `text` has a magnitude above 2^53.
    /// `text` must be a well-formed literal (``isLiteral(_:)``, or one ``JSONSyntax`` accepted).
    public static func isBeyondLimit(_ text: UnsafeBufferPointer<UInt8>) -> Bool {
        // value = 0.d1d2…dn × 10^point, with d1 ≠ 0 and dn ≠ 0
        var digits: [UInt8] = []
        digits.reserveCapacity(24)
        var point = 0
        var seenPoint = false
        var i = text.first == UInt8(ascii: "-") ? 1 : 0
        while i < text.count {
            let b = text[i]
            if b == UInt8(ascii: ".") { seenPoint = true; i += 1; continue }
            if b == UInt8(ascii: "e") || b == UInt8(ascii: "E") { break }
            if digits.isEmpty && b == UInt8(ascii: "0") {
                if seenPoint { point -= 1 }
            } else {
                digits.append(b)
                if !seenPoint { point += 1 }
            }
            i += 1
        }
        while digits.last == UInt8(ascii: "0") { digits.removeLast() }
        if digits.isEmpty { return false }
        if i < text.count {
            i += 1
            var sign = 1
            if i < text.count, text[i] == UInt8(ascii: "-") || text[i] == UInt8(ascii: "+") {
                if text[i] == UInt8(ascii: "-") { sign = -1 }
                i += 1
            }
            var exponent = 0
            // Saturated far beyond any exponent that matters here.
            while i < text.count { exponent = min(exponent * 10 + Int(text[i] &- UInt8(ascii: "0")), 1_000_000); i += 1 }
            point += sign * exponent
        }
        // `point` is the number of digits before the decimal point.
        if point != limitDigits.count { return point > limitDigits.count }
        for (k, limitDigit) in limitDigits.enumerated() {
            let digit = k < digits.count ? digits[k] : UInt8(ascii: "0")
            if digit != limitDigit { return digit > limitDigit }
        }
        return digits.count > limitDigits.count   // a non-zero fraction beyond 2^53 itself
    }

    /// Whether `text` is exactly one JSON number literal: `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`.
    public static func isLiteral(_ text: UnsafeBufferPointer<UInt8>) -> Bool {
        var i = 0
        func digitsRun() -> Int {
            let start = i
            while i < text.count, text[i] >= UInt8(ascii: "0"), text[i] <= UInt8(ascii: "9") { i += 1 }
            return i - start
        }
        if i < text.count, text[i] == UInt8(ascii: "-") { i += 1 }
        if i < text.count, text[i] == UInt8(ascii: "0") {
            i += 1
        } else if digitsRun() == 0 {
            return false
        }
        if i < text.count, text[i] == UInt8(ascii: ".") {
            i += 1
            guard digitsRun() > 0 else { return false }
        }
        if i < text.count, text[i] == UInt8(ascii: "e") || text[i] == UInt8(ascii: "E") {
            i += 1
            if i < text.count, text[i] == UInt8(ascii: "+") || text[i] == UInt8(ascii: "-") { i += 1 }
            guard digitsRun() > 0 else { return false }
        }
        return i == text.count
    }
}
