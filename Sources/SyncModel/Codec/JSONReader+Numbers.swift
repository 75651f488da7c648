/// Numbers read as Foundation's `JSONDecoder` read them, so that a line means the same as before:
/// an integer may be written with a fraction or exponent when its value is whole (`1.0`, `1e2`,
/// `100e-2`); below 2^53 in magnitude that goes through a double (which must be whole), at or
/// above it through decimal arithmetic that truncates a fraction (so `9007199254740993.0` is
/// 9007199254740993, not a neighbour, and `9007199254740993.5` is too). A double must be finite
/// and must not underflow to zero from non-zero digits (`1e-400`).
extension JSONReader {
    /// The number as an `Int64`, nil when it is not a whole number in range.
    public func int64(_ n: RawNumber) -> Int64? { integer(n) }

    /// The number as a `UInt64`, nil when it is not a whole number in range (`-0` is 0).
    public func uint64(_ n: RawNumber) -> UInt64? { integer(n) }

    /// The number as a finite `Double`, nil for overflow and for underflow to zero.
    public func double(_ n: RawNumber) -> Double? {
        let text = digits(n)
        guard let d = Double(String(decoding: text, as: UTF8.self)), d.isFinite else { return nil }
        if d == 0, JSONReader.mantissaIsNonZero(text) { return nil }
        return d
    }

    private func integer<T: FixedWidthInteger>(_ n: RawNumber) -> T? {
        let text = digits(n)
        guard n.decimal else { return JSONReader.plainInteger(text) }
        guard let d = Double(String(decoding: text, as: UTF8.self)), let value = T(exactly: d) else { return nil }
        // Doubles are 2 apart from 2^53 on: past it only exact arithmetic keeps every integer.
        if d.magnitude < 9_007_199_254_740_992 { return value }
        return JSONReader.exactInteger(text)
    }

    /// `-?[0-9]+`, exactly; nil on overflow.
    static func plainInteger<T: FixedWidthInteger>(_ text: UnsafeBufferPointer<UInt8>) -> T? {
        var i = 0
        let negative = text.first == UInt8(ascii: "-")
        if negative { i = 1 }
        var magnitude: UInt64 = 0
        while i < text.count {
            let (times10, o1) = magnitude.multipliedReportingOverflow(by: 10)
            let (sum, o2) = times10.addingReportingOverflow(UInt64(text[i] &- UInt8(ascii: "0")))
            if o1 || o2 { return nil }
            magnitude = sum
            i += 1
        }
        return signed(negative: negative, magnitude: magnitude)
    }

    static func signed<T: FixedWidthInteger>(negative: Bool, magnitude: UInt64) -> T? {
        if !negative || magnitude == 0 { return T(exactly: magnitude) }
        guard T.isSigned, magnitude <= UInt64(T.max) + 1 else { return nil }
        return T(truncatingIfNeeded: 0 &- magnitude)
    }

    /// A number with fraction or exponent as an integer, its fraction truncated; nil unless it fits.
    static func exactInteger<T: FixedWidthInteger>(_ text: UnsafeBufferPointer<UInt8>) -> T? {
        let negative = text.first == UInt8(ascii: "-")
        let e = text.firstIndex { $0 == UInt8(ascii: "e") || $0 == UInt8(ascii: "E") } ?? text.count
        // Significant digits (leading zeros dropped) and the power of ten that scales them.
        var significant: [UInt8] = []
        var exponent = 0
        var inFraction = false
        for b in text[(negative ? 1 : 0)..<e] {
            if b == UInt8(ascii: ".") { inFraction = true; continue }
            if !(significant.isEmpty && b == UInt8(ascii: "0")) { significant.append(b &- UInt8(ascii: "0")) }
            if inFraction { exponent -= 1 }
        }
        if e < text.count {
            var j = e + 1
            var sign = 1
            if j < text.count, text[j] == UInt8(ascii: "-") || text[j] == UInt8(ascii: "+") {
                if text[j] == UInt8(ascii: "-") { sign = -1 }
                j += 1
            }
            var power = 0
            // Saturated far beyond any exponent that leaves an integer that fits.
            for b in text[j...] { power = min(power * 10 + Int(b &- UInt8(ascii: "0")), 1_000_000) }
            exponent += sign * power
        }
        // Foundation's decimal path truncates a fraction toward zero (`9007199254740993.5` → …993).
        if exponent < 0 {
            significant.removeLast(min(significant.count, -exponent))
            exponent = 0
        }
        if significant.isEmpty { return T(exactly: 0) }
        guard significant.count + exponent <= 20 else { return nil }
        var magnitude: UInt64 = 0
        for digit in significant + Array(repeating: 0, count: exponent) {
            let (times10, o1) = magnitude.multipliedReportingOverflow(by: 10)
            let (sum, o2) = times10.addingReportingOverflow(UInt64(digit))
            if o1 || o2 { return nil }
            magnitude = sum
        }
        return signed(negative: negative, magnitude: magnitude)
    }

    /// Whether a number literal has a non-zero digit before its exponent.
    static func mantissaIsNonZero(_ text: UnsafeBufferPointer<UInt8>) -> Bool {
        for b in text {
            if b == UInt8(ascii: "e") || b == UInt8(ascii: "E") { return false }
            if b >= UInt8(ascii: "1") && b <= UInt8(ascii: "9") { return true }
        }
        return false
    }
}
