import CompressNIO
import NIOCore

/// Deflates one direction of a connection: a raw deflate stream (``WireCompression/deflate``,
/// RFC 1951) in which every line is compressed and then sync-flushed
/// (`Z_SYNC_FLUSH`), so the peer can inflate each line as soon as it arrives. One instance per
/// connection at a time (``LineWriter`` drops it when idle); not thread-safe.
final class StreamDeflater {
    /// zlib's level 1 (its fastest): on the benchmark's sync lines it gives nearly what the
    /// default level 6 gives (14 against 12 bytes per op, measured with Python's zlib on the
    /// same lines) in about a third of the time.
    static let level: Int32 = 1
    /// The window this side deflates with: 12 bits (4 KiB), below the 15 every reader inflates
    /// with (``WireCompression/windowBits``), which any raw deflate reader accepts. With
    /// ``memoryLevel`` 5 zlib's deflate state is about 36 KiB instead of 260 KiB (zlib's zconf.h:
    /// `(1 << (windowBits+2)) + (1 << (memLevel+9))`); on the benchmark's sync lines it costs 17.3
    /// bytes per op against 15.8, and the daemon with 1,000 idle deflate connections measured
    /// 89 MiB against 141 MiB (debug build; docs/performance.md).
    static let windowBits: Int32 = 12
    /// zlib's `memLevel` for the match hash: 5 (4,096 chains) instead of its default 8.
    static let memoryLevel: Int32 = 5
    /// Bytes zlib writes at a time before they are appended to a line's output: 16 KiB (kept per connection).
    static let stepBytes = 16 * 1024

    private let zlib: ZlibCompressor
    private var step: ByteBuffer

    /// A deflater for `compression`. Throws ``CompressionFailure`` when zlib cannot start (no memory).
    init(_ compression: WireCompression, allocator: ByteBufferAllocator) throws(CompressionFailure) {
        do {
            switch compression {
            case .deflate:
                zlib = try ZlibCompressor(algorithm: .deflate, configuration: ZlibConfiguration(
                    windowSize: StreamDeflater.windowBits, compressionLevel: StreamDeflater.level, memoryLevel: StreamDeflater.memoryLevel, strategy: .default))
            }
        } catch {
            throw CompressionFailure("cannot start deflating: \(error)")
        }
        step = allocator.buffer(capacity: StreamDeflater.stepBytes)
    }

    /// The compressed bytes of `line` (terminator included), ending with a sync flush.
    func deflate(_ line: ByteBuffer, allocator: ByteBufferAllocator) throws(CompressionFailure) -> ByteBuffer {
        var input = line
        var output = allocator.buffer(capacity: 64 + line.readableBytes / 4)
        guard input.readableBytes > 0 else { return output }
        do {
            try input.compressStream(with: zlib, window: &step, flush: .sync) { output.writeImmutableBuffer($0) }
        } catch {
            throw CompressionFailure("cannot deflate a line: \(error)")
        }
        return output
    }
}
