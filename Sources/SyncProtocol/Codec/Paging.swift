import NIOCore
import SyncModel

/// Cuts `changes` pages by size, so that a page of large text values still fits a client's line
/// limit: as many ops as the count limit allows whose JSON array stays within the byte budget,
/// and always at least one, so a page moves forward. Sizes are the exact encoded sizes, so a
/// page is cut at the same op whether its ops were encoded just now or earlier.
public enum Paging {
    /// Default budget for the ops of one `changes` line: 4 MiB, a quarter of the default line limit.
    public static let defaultMaxPageBytes = 4 * 1024 * 1024

    /// The JSON array of the leading ops of `ops` that fit, and how many they are. Encodes the
    /// ops it keeps and at most one more (the one that did not fit).
    public static func encode(_ ops: some Collection<Op>, limit: Int, maxBytes: Int) throws(NonFiniteNumber) -> (json: ByteBuffer, count: Int) {
        var page = PageWriter(limit: limit, maxBytes: maxBytes)
        for op in ops {
            guard try page.append(op) else { break }
        }
        return page.finish()
    }
}

/// Writes one page's JSON array op by op, for callers that read ops one at a time (the daemon
/// reading its log): the work is the page's own size, whatever the count limit.
///
/// ```swift
/// var page = PageWriter(limit: 1000, maxBytes: Paging.defaultMaxPageBytes)
/// for op in ops { guard try page.append(op) else { break } }
/// let (json, count) = page.finish()
/// ```
public struct PageWriter: Sendable {
    private var budget: PageBudget
    private var out: JSONOutput

    public init(limit: Int, maxBytes: Int) {
        budget = PageBudget(limit: limit, maxBytes: maxBytes)
        out = JSONOutput(capacity: min(maxBytes, 64 * 1024) + 2)
        out.byte(UInt8(ascii: "["))
    }

    /// Ops taken so far.
    public var count: Int { budget.count }

    /// Whether the count limit is reached: no op can be taken, whatever its size.
    public var isFull: Bool { budget.count >= budget.limit }

    /// Encodes `op` and keeps it when the page has room (``PageBudget/take(size:)``); returns
    /// false, the page unchanged, when it has not. Throws for a non-finite number (validated ops
    /// have none).
    public mutating func append(_ op: Op) throws(NonFiniteNumber) -> Bool {
        guard !isFull else { return false }
        let start = out.bytes.count
        let comma = budget.count > 0
        if comma { out.byte(UInt8(ascii: ",")) }
        do { try OpJSON.encode(op, into: &out) } catch {
            out.bytes.removeLast(out.bytes.count - start)
            throw error
        }
        guard budget.take(size: out.bytes.count - start - (comma ? 1 : 0)) else {
            out.bytes.removeLast(out.bytes.count - start)
            return false
        }
        return true
    }

    /// The JSON array of the ops taken, and how many they are.
    public func finish() -> (json: ByteBuffer, count: Int) {
        var json = ByteBuffer()
        json.reserveCapacity(out.bytes.count + 1)
        json.writeBytes(out.bytes)
        json.writeInteger(UInt8(ascii: "]"))
        return (json, budget.count)
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
