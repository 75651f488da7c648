import Crypto
import Foundation
import SyncModel

/// The daemon's state hash of what one department may read: the one computation behind
/// `plansyncd hash --department D` and the wire request `state_hash` (protocol/PROTOCOL.md, "hash").
///
/// ```swift
/// let scope = try ScopeHash(of: "sales", rules: rules, schema: PlanningSchema.schema, in: log)
/// print(scope.head, scope.hash)   // 42 9f2c…(64 hex digits)
/// ```
public struct ScopeHash: Hashable, Sendable {
    /// SHA-256 of the UTF-8 of the scoped canonical form, 64 lowercase hex digits: what the
    /// department's replicas print as `state_hash` once they hold the same ops.
    public let hash: String
    /// The position the hash is for: the last log position it covers that the department may read
    /// (0 when none), read with the log head at the start (``SyncModel/ScopedCanonicalForm/head``).
    public let head: UInt64

    /// Replays the log up to its head into a fresh state (reads only; the whole log each time).
    /// Throws what `storage` throws, or a ``SyncModel/ValidationError`` for an op the schema refuses.
    public init(of department: String, rules: AccessRules, schema: Schema, in storage: any ServerLogStorage) throws {
        let form = try storage.scopedCanonicalForm(of: department, rules: rules, schema: schema)
        hash = Hex.text(bytes: SHA256.hash(data: Data(form.text.utf8)))
        head = form.head
    }
}
