import SyncModel

/// Binding the text forms of docs/replica-format.md straight from the model types, without
/// building a `String` per value: HLCs as 16 hex digits, values as JSON scalars, seqs as integers.
extension RawStatement {
    /// An HLC as 16 lowercase hex digits (``SyncModel/HLCTimestamp/description``).
    func bind(_ index: Int32, hlc: HLCTimestamp) throws {
        try withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 16) { buffer in
            Hex.write(hlc.raw, into: buffer)
            try bind(index, utf8: UnsafeBufferPointer(buffer))
        }
    }

    /// A seq or position (at most 2^53) as an integer.
    func bind(_ index: Int32, seq: UInt64) throws {
        try bind(index, Int64(clamping: seq))
    }

    /// A value as JSON text, the same text as ``SyncModel/Value/jsonText``.
    func bind(_ index: Int32, json value: Value) throws {
        switch value {
        case .null: try bind(index, staticText: "null")
        case .bool(let b): try bind(index, staticText: b ? "true" : "false")
        case .integer(let i): try bind(index, decimal: i)
        case .real: try bind(index, value.jsonText)
        case .text(var s):
            let count = s.utf8.count
            let plain = !s.utf8.contains { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }
            guard plain, count <= RawStatement.stackTextLimit else {
                try bind(index, value.jsonText)
                return
            }
            try withUnsafeTemporaryAllocation(of: UInt8.self, capacity: count + 2) { buffer in
                buffer[0] = UInt8(ascii: "\"")
                s.withUTF8 { utf8 in
                    _ = UnsafeMutableBufferPointer(rebasing: buffer[1..<(count + 1)]).initialize(from: utf8)
                }
                buffer[count + 1] = UInt8(ascii: "\"")
                try bind(index, utf8: UnsafeBufferPointer(buffer))
            }
        }
    }

    /// A shown value in its SQLite type: bool as 0 or 1, numbers natively, text as TEXT.
    func bind(_ index: Int32, shown value: Value) throws {
        switch value {
        case .null: try bindNull(index)
        case .bool(let b): try bind(index, Int64(b ? 1 : 0))
        case .integer(let i): try bind(index, i)
        case .real(let d): try bind(index, d)
        case .text(let s): try bind(index, s)
        }
    }

    /// An integer as decimal TEXT (`String(i)`).
    func bind(_ index: Int32, decimal i: Int64) throws {
        try withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 20) { buffer in
            var magnitude = i.magnitude
            var start = 20
            repeat {
                start -= 1
                buffer[start] = UInt8(ascii: "0") + UInt8(magnitude % 10)
                magnitude /= 10
            } while magnitude > 0
            if i < 0 {
                start -= 1
                buffer[start] = UInt8(ascii: "-")
            }
            try bind(index, utf8: UnsafeBufferPointer(rebasing: buffer[start..<20]))
        }
    }

    /// ASCII text known at compile time.
    func bind(_ index: Int32, staticText text: StaticString) throws {
        try bind(index, utf8: UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
    }

    /// Text up to this many bytes is quoted on the stack; longer text goes through `String`.
    private static let stackTextLimit = 4096
}
