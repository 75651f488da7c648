import Crypto
import Foundation
import PostgresNIO
import SyncModel

/// Reading rows of the log's tables: decoding errors of postgres-nio and of the op JSON become
/// ``PostgresLogError/corrupt(_:)``.
enum PostgresOpRow {
    /// The row's columns as the tuple `type`.
    static func decode<each T: PostgresDecodable>(_ row: PostgresRow, as type: (repeat each T).Type) throws -> (repeat each T) {
        do { return try row.decode(type) } catch { throw PostgresLogError.corrupt("\(error)") }
    }

    /// The op stored as wire JSON in `json` (content only: no department, no position).
    static func op(_ json: ByteBuffer) throws -> Op {
        let decoded = json.withUnsafeReadableBytes { raw in
            Result { () throws(JSONReadError) -> Op in try OpJSON.decode(raw.bindMemory(to: UInt8.self)) }
        }
        do { return try decoded.get() } catch { throw PostgresLogError.corrupt("op: \(error)") }
    }

    /// The stored form of `op`: its content's wire JSON.
    static func json(_ op: Op) throws -> ByteBuffer {
        do { return ByteBuffer(bytes: try OpJSON.encode(op.content)) } catch {
            throw PostgresLogError.invalidArgument("op \(op.dot) cannot be stored: \(error)")
        }
    }
}

extension PostgresServerLog {
    /// SHA-256 of the token's UTF-8, 64 lowercase hex digits: the same hash the SQLite file keeps.
    static func tokenHash(_ token: String) -> String {
        Hex.text(bytes: SHA256.hash(data: Data(token.utf8)))
    }
}
