import SyncModel

/// Reads which op a refusal names. The daemon decides a push op by op, in order, and names the
/// first it refuses by index and dot (protocol/PROTOCOL.md §3, push: `op 2 (sales-laptop:17): …`),
/// so every op of the batch before it was acceptable: a duplicate of what the log holds, or new.
enum RefusedOp {
    /// The seq of the refused op when the message names an op of `node`, nil otherwise.
    static func seq(in message: String, node: String) -> UInt64? {
        let marker = Array(" (".utf8) + Array(node.utf8) + [UInt8(ascii: ":")]
        let bytes = Array(message.utf8)
        guard bytes.starts(with: Array("op ".utf8)) || bytes.firstRange(of: Array(": op ".utf8)) != nil,
              let start = bytes.firstRange(of: marker)?.upperBound else { return nil }
        var i = start
        var value: UInt64 = 0
        while i < bytes.count, bytes[i] >= UInt8(ascii: "0"), bytes[i] <= UInt8(ascii: "9"), i - start < 16 {
            value = value * 10 + UInt64(bytes[i] - UInt8(ascii: "0"))
            i += 1
        }
        guard i > start, i < bytes.count, bytes[i] == UInt8(ascii: ")"), value >= 1 else { return nil }
        return value
    }
}
