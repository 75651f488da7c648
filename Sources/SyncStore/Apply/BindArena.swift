/// Memory for the text a statement's parameters are bound to (``RawStatement``): bytes are copied
/// into fixed chunks that never move, and the arena is rewound after each run, so a statement
/// bound over and over allocates nothing once its chunks exist. Text bigger than a chunk gets an
/// allocation of its own, released at the next rewind.
///
/// Whatever was handed out stays valid until ``rewind()`` or ``release()``.
struct BindArena {
    static let chunkSize = 16 * 1024

    private var chunks: [UnsafeMutableRawPointer] = []
    private var large: [UnsafeMutableRawPointer] = []
    /// The chunk being filled, and how much of it is used.
    private var current = 0
    private var used = 0

    /// A copy of `bytes`, at least one byte long (so never at a nil address).
    mutating func copy(_ bytes: UnsafeRawBufferPointer) -> UnsafeRawPointer {
        let count = max(bytes.count, 1)
        let target: UnsafeMutableRawPointer
        if count > BindArena.chunkSize {
            target = .allocate(byteCount: count, alignment: 1)
            large.append(target)
        } else {
            if current < chunks.count, used + count > BindArena.chunkSize {
                current += 1
                used = 0
            }
            if current == chunks.count { chunks.append(.allocate(byteCount: BindArena.chunkSize, alignment: 1)) }
            target = chunks[current] + used
            used += count
        }
        if let source = bytes.baseAddress { target.copyMemory(from: source, byteCount: bytes.count) }
        return UnsafeRawPointer(target)
    }

    /// Makes every chunk free again; the copies handed out are no longer valid.
    mutating func rewind() {
        for block in large { block.deallocate() }
        large.removeAll(keepingCapacity: true)
        current = 0
        used = 0
    }

    /// Frees everything.
    mutating func release() {
        rewind()
        for chunk in chunks { chunk.deallocate() }
        chunks = []
    }
}
