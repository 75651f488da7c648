/// Compact JSON written straight into a byte array: the one JSON writer of PlanSync (the wire,
/// the outbox, the canonical form's quoted texts, the CLI's `--json`). Strings escape `"`, `\`
/// and control characters and nothing else: `\t \n \r`, and lowercase `\u00xx` for the other
/// bytes below 0x20 (`\u0008`, `\u000c` too: the spelling docs/merge-semantics.md §8 fixes for
/// the canonical form, where Foundation's `JSONEncoder` writes `\b`, `\f`); integers in decimal;
/// doubles as their shortest round-trip `description` without a trailing `.0`. Otherwise byte for
/// byte what `JSONEncoder` writes with `[.sortedKeys, .withoutEscapingSlashes]`. Callers write
/// members in sorted key order themselves.
///
/// ```swift
/// var out = JSONOutput()
/// out.raw("{\"id\":"); out.integer(7); out.raw(",\"name\":"); out.string("a\"b"); out.raw("}")
/// String(decoding: out.bytes, as: UTF8.self)   // {"id":7,"name":"a\"b"}
/// ```
public struct JSONOutput: Sendable {
    /// The bytes written so far.
    public var bytes: [UInt8]

    /// An empty output with room for `capacity` bytes.
    public init(capacity: Int = 0) {
        bytes = []
        bytes.reserveCapacity(capacity)
    }

    /// Writes ASCII punctuation or member names as they are (no escaping).
    @inlinable
    public mutating func raw(_ text: StaticString) {
        text.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }

    /// Writes one byte as it is.
    @inlinable
    public mutating func byte(_ b: UInt8) {
        bytes.append(b)
    }

    /// Writes `s` as a JSON string literal.
    public mutating func string(_ s: String) {
        var s = s
        s.withUTF8 { quoted($0) }
    }

    /// Writes UTF-8 text (already valid) as a JSON string literal.
    public mutating func quoted(_ utf8: UnsafeBufferPointer<UInt8>) {
        bytes.append(0x22)
        var clean = 0
        for i in utf8.indices {
            let b = utf8[i]
            guard b < 0x20 || b == 0x22 || b == 0x5C else { continue }
            if clean < i { bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[clean..<i])) }
            escape(b)
            clean = i + 1
        }
        if clean < utf8.count { bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[clean...])) }
        bytes.append(0x22)
    }

    private mutating func escape(_ b: UInt8) {
        bytes.append(0x5C)
        switch b {
        case 0x22, 0x5C: bytes.append(b)
        case 0x09: bytes.append(UInt8(ascii: "t"))
        case 0x0A: bytes.append(UInt8(ascii: "n"))
        case 0x0D: bytes.append(UInt8(ascii: "r"))
        default:
            bytes.append(UInt8(ascii: "u"))
            bytes.append(UInt8(ascii: "0"))
            bytes.append(UInt8(ascii: "0"))
            bytes.append(Hex.digit(of: b >> 4))
            bytes.append(Hex.digit(of: b & 0xF))
        }
    }

    /// Writes a signed integer in decimal.
    public mutating func integer(_ v: Int64) {
        if v < 0 { bytes.append(UInt8(ascii: "-")) }
        unsigned(v.magnitude)
    }

    /// Writes an unsigned integer in decimal.
    public mutating func unsigned(_ v: UInt64) {
        var digits = 1
        var rest = v
        while rest >= 10 { rest /= 10; digits += 1 }
        let start = bytes.count
        bytes.append(contentsOf: repeatElement(UInt8(ascii: "0"), count: digits))
        bytes.withUnsafeMutableBufferPointer { p in
            var n = v
            var i = start + digits - 1
            while n > 0 {
                p[i] = UInt8(ascii: "0") + UInt8(n % 10)
                n /= 10
                i -= 1
            }
        }
    }

    /// Writes `true` or `false`.
    public mutating func bool(_ b: Bool) {
        if b { raw("true") } else { raw("false") }
    }

    /// Writes a finite double as Foundation does (`5.0` → `5`, `1e-07`, `1e+300`); throws
    /// ``NonFiniteNumber`` for NaN and infinities, which JSON cannot hold.
    public mutating func double(_ d: Double) throws(NonFiniteNumber) {
        guard d.isFinite else { throw NonFiniteNumber(value: d) }
        var text = d.description
        if text.hasSuffix(".0") { text.removeLast(2) }
        bytes.append(contentsOf: text.utf8)
    }

    /// Writes 16 lowercase hex digits in quotes: the wire form of an HLC reading.
    public mutating func hlc(_ t: HLCTimestamp) {
        bytes.append(0x22)
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 16) { digits in
            Hex.write(t.raw, into: digits)
            bytes.append(contentsOf: digits)
        }
        bytes.append(0x22)
    }

    /// Writes a dot as the string `"node:seq"`.
    public mutating func dot(_ dot: Dot) {
        var node = dot.node
        let plain = node.withUTF8 { utf8 in
            utf8.allSatisfy { $0 >= 0x20 && $0 != 0x22 && $0 != 0x5C }
        }
        guard plain else {
            string(dot.description)
            return
        }
        bytes.append(0x22)
        node.withUTF8 { bytes.append(contentsOf: $0) }
        bytes.append(UInt8(ascii: ":"))
        unsigned(dot.seq)
        bytes.append(0x22)
    }
}

/// A NaN or infinite double, which JSON cannot hold (Foundation's encoder refuses it too).
public struct NonFiniteNumber: Error, Hashable, Sendable, CustomStringConvertible {
    /// The double that was to be written.
    public let value: Double

    public var description: String { "\(value) cannot be written as JSON" }
}
