import CompressNIO
import NIOCore

/// Inflates one direction of a connection: a raw deflate stream (``WireCompression/deflate``,
/// RFC 1951, window bits 15) read in steps that each produce at most ``stepBytes`` bytes, so a
/// small input that inflates to a great deal (a decompression bomb) never needs more memory than
/// the caller lets its line buffer grow to. One instance per connection; not thread-safe.
final class StreamInflater {
    /// The most bytes one ``inflate(from:into:)`` produces: 16 KiB (a buffer of this size is kept per connection).
    static let stepBytes = 16 * 1024

    private let zlib: ZlibDecompressor
    private var step: ByteBuffer

    /// Throws ``CompressionFailure`` when zlib cannot start (no memory).
    init(allocator: ByteBufferAllocator) throws(CompressionFailure) {
        do {
            zlib = try ZlibDecompressor(algorithm: .deflate, windowSize: WireCompression.windowBits)
        } catch {
            throw CompressionFailure("cannot start inflating: \(error)")
        }
        step = allocator.buffer(capacity: StreamInflater.stepBytes)
    }

    /// Inflates from the front of `input` and appends what it gives (at most ``stepBytes``) to
    /// `output`; returns how many bytes were appended. Input that only ends a block may append 0
    /// bytes. Throws ``CompressionFailure`` when the bytes are not a deflate stream, or more bytes
    /// follow the end of one (a stream on the wire never ends).
    func inflate(from input: inout ByteBuffer, into output: inout ByteBuffer) throws(CompressionFailure) -> Int {
        guard input.readableBytes > 0 else { return 0 }
        step.clear()
        let before = input.readableBytes
        do {
            try zlib.inflate(from: &input, to: &step)
        } catch let error as CompressNIOError where error == .bufferOverflow || error == .inputBufferOverflow {
            // The step is full, or the input ends inside a symbol: what was inflated is kept.
        } catch let error as CompressNIOError where error == .corruptData {
            throw CompressionFailure("the deflate stream is corrupt")
        } catch {
            throw CompressionFailure("the deflate stream cannot be inflated: \(error)")
        }
        let produced = step.readableBytes
        if produced == 0, input.readableBytes == before {
            throw CompressionFailure("bytes follow the end of the deflate stream")
        }
        output.writeBuffer(&step)
        return produced
    }
}
