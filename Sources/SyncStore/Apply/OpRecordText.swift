import CompressNIO
import Foundation
import GRDB
import NIOCore

/// How one `ps_op_record` entry's ops (wire JSON lines) are stored: as TEXT in `ops` while short,
/// so that the record of local edits and live changes stays readable with `sqlite3`; raw deflate
/// (RFC 1951, zlib level 1) in `ops_deflate`, with `ops` empty, from ``deflateFrom`` bytes on.
/// The deflated text ends with one NUL byte (``end``), which JSON text never holds: zlib inflates
/// a stream cut short to a shorter text without an error, and a text cut at a line's end would
/// otherwise read as an entry with fewer ops.
///
/// A remote batch of 1,000 ops is about 200 KB of JSON, which the record wrote into some fifty
/// overflow pages per transaction: a third of `apply`'s time (docs/performance.md). Deflated it
/// is about a tenth of that.
///
/// ```swift
/// let stored = try OpRecordText.Stored(lines)          // .text(…) or .deflated(…)
/// let back = try OpRecordText.lines(ops: "", deflated: deflatedBytes)
/// ```
enum OpRecordText {
    /// Entries whose text reaches this many bytes (16 KiB, about 80 ops) are stored deflated.
    static let deflateFrom = 16 * 1024
    /// The most bytes an entry inflates to (1 GiB): an entry holds one transaction's ops, and the
    /// largest, a watcher's coalesced `changes` pages, is some tens of MiB (the daemon cuts pages
    /// at about 4 MiB, and only a batch's newest 5,000 ops are recorded), so only a damaged file
    /// reaches it.
    static let inflateLimit = 1 << 30
    /// The byte that ends every deflated text.
    static let end: UInt8 = 0

    /// An entry's text as it goes into the row.
    enum Stored {
        case text([UInt8])
        case deflated(ByteBuffer)

        /// `lines` as stored: deflated from ``deflateFrom`` bytes on. Throws ``StoreError/database(_:)``
        /// when zlib fails (out of memory).
        init(_ lines: [UInt8]) throws {
            guard lines.count >= OpRecordText.deflateFrom else {
                self = .text(lines)
                return
            }
            var plain = ByteBuffer(bytes: lines)
            plain.writeInteger(OpRecordText.end)
            do {
                self = .deflated(try plain.compress(with: .deflate(configuration: .init(windowSize: 15, compressionLevel: 1))))
            } catch {
                throw StoreError.database("deflating the op record: \(error)")
            }
        }

        /// Binds `ops` and `ops_deflate` at `index` and `index + 1`.
        func bind(_ statement: RawStatement, at index: Int32) throws {
            switch self {
            case .text(let bytes):
                try bytes.withUnsafeBufferPointer { try statement.bind(index, utf8: $0) }
                try statement.bindNull(index + 1)
            case .deflated(let buffer):
                try statement.bind(index, "")
                try buffer.withUnsafeReadableBytes { try statement.bind(index + 1, blob: $0) }
            }
        }
    }

    /// The JSON lines of an entry whose `ops` and `ops_deflate` columns are given. Throws
    /// ``StoreError/corrupt(_:)`` when the blob is not a deflate stream of valid UTF-8.
    static func lines(ops: String, deflated: Data?) throws -> String {
        guard let deflated else { return ops }
        var packed = ByteBuffer(bytes: deflated)
        do {
            let plain = try packed.decompress(with: .deflate(), maxSize: inflateLimit)
            guard plain.readableBytesView.last == end else {
                throw StoreError.corrupt("op record entry: the deflated ops are cut short")
            }
            guard let text = String(validating: plain.readableBytesView.dropLast(), as: UTF8.self) else {
                throw StoreError.corrupt("op record entry: the deflated ops are not UTF-8")
            }
            return text
        } catch let error as StoreError {
            throw error
        } catch {
            throw StoreError.corrupt("op record entry: the deflated ops cannot be inflated (\(error))")
        }
    }

    /// The JSON lines of a row selected as `…, ops, ops_deflate` with `ops` at `index`.
    static func lines(_ row: Row, at index: Int) throws -> String {
        try lines(ops: try row.decode(String.self, atIndex: index), deflated: try row.decode(Data?.self, atIndex: index + 1))
    }

    /// Stores `lines` as the text of entry `entry`.
    static func update(_ db: Database, entry: Int64, lines: [UInt8]) throws {
        let update = try RawStatement(db, "UPDATE ps_op_record SET ops = ?, ops_deflate = ? WHERE entry = ?")
        try Stored(lines).bind(update, at: 1)
        try update.bind(3, entry)
        try update.run()
    }
}
