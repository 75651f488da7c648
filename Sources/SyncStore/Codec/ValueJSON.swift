import SyncModel

/// Reads back the scalar JSON that ``SyncModel/Value/jsonText`` writes (RFC 8259 scalars), without
/// a JSONDecoder per value: metadata columns hold one value each and are read in hot loops.
enum ValueJSON {
    /// The value of `text`, nil when it is not one JSON scalar.
    static func parse(_ text: String) -> Value? {
        let utf8 = text.utf8
        guard let first = utf8.first else { return nil }
        switch first {
        case UInt8(ascii: "n"): return text == "null" ? .null : nil
        case UInt8(ascii: "t"): return text == "true" ? .bool(true) : nil
        case UInt8(ascii: "f"): return text == "false" ? .bool(false) : nil
        case UInt8(ascii: "\""): return stringLiteral(text).map(Value.text)
        default:
            if utf8.contains(where: { $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "e") || $0 == UInt8(ascii: "E") }) {
                guard let d = Double(text), d.isFinite else { return nil }
                return .real(d)
            }
            return Int64(text).map(Value.integer)
        }
    }

    /// The text of `text`, which must be one JSON string literal and nothing else; nil otherwise.
    /// Read with ``SyncModel/JSONReader`` over the contiguous bytes: a text of 64,000 `\u00xx`
    /// escapes (a 65,000-character description) reads back in milliseconds, where walking a
    /// `Substring.UTF8View` byte by byte took 0.4 s in a debug build.
    static func stringLiteral(_ text: String) -> String? {
        var text = text
        return text.withUTF8 { bytes -> String? in
            guard bytes.first == UInt8(ascii: "\""), bytes.last == UInt8(ascii: "\""),
                  var reader = try? JSONReader(validating: bytes) else { return nil }
            return reader.readString()
        }
    }
}
