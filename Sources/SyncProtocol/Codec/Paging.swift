import NIOCore
import SyncModel

/// Cuts `changes` pages by size, so that a page of large text values still fits a client's line
/// limit: as many ops as the count limit allows whose JSON array stays within the byte budget,
/// and always at least one, so a page moves forward. Sizes are the exact encoded sizes, so a
/// page is cut at the same op whether its ops were encoded just now or earlier.
public enum Paging {
    /// Default budget for the ops of one `changes` line: 4 MiB, a quarter of the default line limit.
    public static let defaultMaxPageBytes = 4 * 1024 * 1024

    /// The JSON array of the leading ops of `ops` that fit, and how many they are.
    public static func encode(_ ops: some Collection<Op>, limit: Int, maxBytes: Int) throws(NonFiniteNumber) -> (json: ByteBuffer, count: Int) {
        var budget = PageBudget(limit: limit, maxBytes: maxBytes)
        var out = JSONOutput(capacity: min(maxBytes, ops.count * 256) + 2)
        out.byte(UInt8(ascii: "["))
        for op in ops {
            let start = out.bytes.count
            if budget.count > 0 { out.byte(UInt8(ascii: ",")) }
            try OpJSON.encode(op, into: &out)
            guard budget.take(size: out.bytes.count - start - (budget.count > 0 ? 1 : 0)) else {
                out.bytes.removeLast(out.bytes.count - start)
                break
            }
        }
        out.byte(UInt8(ascii: "]"))
        return (ByteBuffer(bytes: out.bytes), budget.count)
    }
}

/// The running size of one page: 2 bytes of brackets, then each op and its comma.
public struct PageBudget: Sendable {
    public let limit: Int
    public let maxBytes: Int
    /// Ops taken so far.
    public private(set) var count = 0
    /// Bytes of the JSON array so far, brackets and commas included.
    public private(set) var total = 2

    public init(limit: Int, maxBytes: Int) {
        self.limit = limit
        self.maxBytes = maxBytes
    }

    /// Takes an op of `size` bytes when the page has room: below the count limit, and within the
    /// byte budget or as its first op.
    public mutating func take(size: Int) -> Bool {
        let grown = total + size + (count > 0 ? 1 : 0)
        guard count < limit, count == 0 || grown <= maxBytes else { return false }
        total = grown
        count += 1
        return true
    }
}
