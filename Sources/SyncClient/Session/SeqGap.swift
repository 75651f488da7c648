import SyncModel

/// Reads a `seq_gap` refusal. The daemon's message names the seq it expects next of the node
/// (protocol/PROTOCOL.md §6: `push.ops[0]: expected seq 7 of node sales-laptop`).
enum SeqGap {
    /// The expected seq when the message is about `node`, nil otherwise.
    static func expectedSeq(in message: String, node: String) -> UInt64? {
        let marker = Array("expected seq ".utf8), tail = Array(" of node ".utf8) + Array(node.utf8)
        let bytes = Array(message.utf8)
        guard let start = find(marker, in: bytes) else { return nil }
        var i = start + marker.count
        var value: UInt64 = 0
        let first = i
        while i < bytes.count, bytes[i] >= UInt8(ascii: "0"), bytes[i] <= UInt8(ascii: "9"), i - first < 16 {
            value = value * 10 + UInt64(bytes[i] - UInt8(ascii: "0"))
            i += 1
        }
        guard i > first, value >= 1, Array(bytes[i...].prefix(tail.count)) == tail else { return nil }
        // The node id ends the message or is followed by a character a node id cannot hold.
        let after = i + tail.count
        guard after == bytes.count || !NodeID.isValid(String(decoding: [bytes[after]], as: UTF8.self)) else { return nil }
        return value
    }

    private static func find(_ needle: [UInt8], in haystack: [UInt8]) -> Int? {
        guard needle.count <= haystack.count else { return nil }
        for i in 0...(haystack.count - needle.count) where haystack[i..<(i + needle.count)].elementsEqual(needle) { return i }
        return nil
    }
}
