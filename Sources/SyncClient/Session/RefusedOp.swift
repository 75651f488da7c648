import SyncModel

/// Reads which op a refusal names. The daemon decides a push op by op, in order, and names the
/// first it refuses by index and dot (protocol/PROTOCOL.md §3, push: `op 2 (sales-laptop:17): …`),
/// so every op of the batch before it was acceptable: a duplicate of what the log holds, or new.
///
/// ```swift
/// RefusedOp.dot(in: "op 2 (sales-laptop:17): unknown field \"x\"")   // sales-laptop:17
/// ```
public enum RefusedOp {
    /// The dot of the refused op when `message` starts with `op I (DOT)`, or holds it after a
    /// `: ` (a message that quotes the daemon's); nil for any other message.
    public static func dot(in message: String) -> Dot? {
        let bytes = Array(message.utf8)
        let start: Int
        if bytes.starts(with: Array("op ".utf8)) {
            start = 3
        } else if let found = bytes.firstRange(of: Array(": op ".utf8)) {
            start = found.upperBound
        } else {
            return nil
        }
        var i = start
        while i < bytes.count, bytes[i] >= UInt8(ascii: "0"), bytes[i] <= UInt8(ascii: "9") { i += 1 }
        guard i > start, bytes[i...].starts(with: Array(" (".utf8)),
              let close = bytes[(i + 2)...].firstIndex(of: UInt8(ascii: ")")) else { return nil }
        return bytes[(i + 2)..<close].withUnsafeBufferPointer { Dot(utf8: $0) }
    }

    /// The seq of the refused op when the message names an op of `node`, nil otherwise.
    static func seq(in message: String, node: String) -> UInt64? {
        guard let dot = dot(in: message), dot.node.utf8.elementsEqual(node.utf8) else { return nil }
        return dot.seq
    }
}
