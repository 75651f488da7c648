/// A compression of the line stream that `hello.compression` may offer and `welcome.compression`
/// may pick (protocol/PROTOCOL.md, "Compression").
///
/// After the `welcome` line that picks one, each direction of the connection is one compressed
/// stream that never ends, and every line is flushed at its end, so no line is held back.
public enum WireCompression: String, Hashable, Sendable, CaseIterable, Codable {
    /// Raw deflate (RFC 1951): no zlib header or Adler-32 trailer (RFC 1950), no gzip wrapper,
    /// a window of at most 32 KiB (window bits 15), each line ended by a sync flush: an empty
    /// stored block, so a flushed line ends in the bytes `00 00 ff ff`. Python's zlib writes it
    /// with `zlib.compressobj(wbits=-15)` and `compress(line) + flush(zlib.Z_SYNC_FLUSH)`, and
    /// reads it with `zlib.decompressobj(wbits=-15)`.
    case deflate

    /// Base-two logarithm of the largest window a sender may use, and of the window a receiver
    /// inflates with: 15 (32 KiB).
    public static let windowBits: Int32 = 15

    /// What a server that accepts `accepted` picks from the names a client offered: the first
    /// offered name it accepts, in the client's order; nil when none (or nothing was offered).
    /// Names this version does not know are passed over, so a newer client's offer still works.
    public static func choose(offered: [String]?, accepted: [WireCompression]) -> WireCompression? {
        for name in offered ?? [] {
            if let known = WireCompression(rawValue: name), accepted.contains(known) { return known }
        }
        return nil
    }
}
