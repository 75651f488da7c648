/// A `UInt64` as exactly 16 lowercase hex digits, zero-padded, so that string order is numeric
/// order: the text of HLC timestamps, the hash behind conflict ids, and the halves of row ids.
///
/// ```swift
/// Hex16.text(0x0193_7a8b_1c2d_0001)   // "01937a8b1c2d0001"
/// ```
enum Hex16 {
    static func text(_ value: UInt64) -> String {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 16) { out in
            var v = value
            for i in stride(from: 15, through: 0, by: -1) {
                out[i] = digits[Int(v & 0xF)]
                v >>= 4
            }
            return String(decoding: UnsafeBufferPointer(out), as: UTF8.self)
        }
    }

    private static let digits: [UInt8] = Array("0123456789abcdef".utf8)
}
