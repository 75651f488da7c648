/// A compressed stream that cannot be read or written: the peer's bytes do not inflate (corrupt
/// data, or data after the end of its stream), or zlib could not start (out of memory).
public struct CompressionFailure: Error, Hashable, Sendable, CustomStringConvertible {
    /// One line for people, e.g. "the deflate stream is corrupt".
    public let description: String

    public init(_ description: String) {
        self.description = description
    }
}
