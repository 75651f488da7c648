import SyncModel

/// Reads back the scalar JSON that ``SyncModel/Value/jsonText`` writes (RFC 8259 scalars), without
/// a JSONDecoder per value: metadata columns hold one value each and are read in hot loops.
enum ValueJSON {
    /// The value of `text`, nil when it is not one JSON scalar.
    static func parse(_ text: String) -> Value? {
        var utf8 = text.utf8[...]
        guard let first = utf8.first else { return nil }
        switch first {
        case UInt8(ascii: "n"): return text == "null" ? .null : nil
        case UInt8(ascii: "t"): return text == "true" ? .bool(true) : nil
        case UInt8(ascii: "f"): return text == "false" ? .bool(false) : nil
        case UInt8(ascii: "\""): return parseString(&utf8).map { utf8.isEmpty ? .text($0) : nil } ?? nil
        default:
            if utf8.contains(where: { $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "e") || $0 == UInt8(ascii: "E") }) {
                guard let d = Double(text), d.isFinite else { return nil }
                return .real(d)
            }
            return Int64(text).map(Value.integer)
        }
    }

    /// Parses a JSON string literal at the start of `bytes`, consuming it.
    static func parseString(_ bytes: inout Substring.UTF8View) -> String? {
        guard bytes.popFirst() == UInt8(ascii: "\"") else { return nil }
        // Fast path: no escapes.
        if let end = bytes.firstIndex(where: { $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }),
           bytes[end] == UInt8(ascii: "\"") {
            let s = String(Substring(bytes[bytes.startIndex..<end]))
            bytes = bytes[bytes.index(after: end)...]
            return s
        }
        var out: [UInt8] = []
        while let b = bytes.popFirst() {
            switch b {
            case UInt8(ascii: "\""):
                return String(decoding: out, as: UTF8.self)
            case UInt8(ascii: "\\"):
                guard let e = bytes.popFirst() else { return nil }
                switch e {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): out.append(e)
                case UInt8(ascii: "b"): out.append(0x08)
                case UInt8(ascii: "f"): out.append(0x0C)
                case UInt8(ascii: "n"): out.append(0x0A)
                case UInt8(ascii: "r"): out.append(0x0D)
                case UInt8(ascii: "t"): out.append(0x09)
                case UInt8(ascii: "u"):
                    guard var scalar = hex4(&bytes) else { return nil }
                    if (0xD800..<0xDC00).contains(scalar) {
                        guard bytes.popFirst() == UInt8(ascii: "\\"), bytes.popFirst() == UInt8(ascii: "u"),
                              let low = hex4(&bytes), (0xDC00..<0xE000).contains(low) else { return nil }
                        scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    }
                    guard let u = Unicode.Scalar(scalar) else { return nil }
                    out.append(contentsOf: Array(String(Character(u)).utf8))
                default: return nil
                }
            default:
                out.append(b)
            }
        }
        return nil
    }

    private static func hex4(_ bytes: inout Substring.UTF8View) -> UInt32? {
        var v: UInt32 = 0
        for _ in 0..<4 {
            guard let b = bytes.popFirst() else { return nil }
            let d: UInt32
            switch b {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): d = UInt32(b - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): d = UInt32(b - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): d = UInt32(b - UInt8(ascii: "A") + 10)
            default: return nil
            }
            v = v << 4 | d
        }
        return v
    }
}
