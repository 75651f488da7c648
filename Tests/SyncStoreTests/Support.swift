import TestSupport
import Foundation
@testable import SyncStore
import SyncModel

/// A fresh directory under the system temp dir, removed by `cleanup()`.
struct TempDir {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("syncstore-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    func path(_ name: String) -> String { url.appendingPathComponent(name).path }

    func cleanup() { try? FileManager.default.removeItem(at: url) }
}

extension ReplicaStore {
    /// A new replica of node `sales-laptop` (sales) on ``TestSchema``, at `r.sqlite` in `dir`.
    static func salesLaptop(in dir: TempDir) throws -> ReplicaStore {
        try ReplicaStore.create(at: dir.path("r.sqlite"), identity: ReplicaIdentity(node: "sales-laptop", department: "sales"),
                                schema: TestSchema.schema)
    }
}

/// The seeded generator of the store's random tests.
typealias SeededGenerator = SplitMix64

/// A small schema with every field family, a ref and an enum.
enum TestSchema {
    static let schema = Schema(version: 1, collections: [
        CollectionSchema("departments", [FieldSchema("name", .text)]),
        CollectionSchema("projects", [
            FieldSchema("name", .text),
            FieldSchema("status", .enumeration(["planning", "active", "done"])),
            FieldSchema("budget", .anyInteger),
            FieldSchema("ratio", .real),
            FieldSchema("urgent", .bool),
            FieldSchema("end", .date),
            FieldSchema("owner", .ref("departments")),
            FieldSchema("spent", .counter),
            FieldSchema("channels", .textSet),
        ]),
    ])
}

extension ReplicaState {
    /// The state hash as the model defines it: SHA-256 hex of the canonical form.
    var stateHash: String { Hex.sha256(canonicalForm()) }
}

/// Fixed stamps for ops made by hand in tests.
func stamp(_ node: String, _ seq: UInt64, _ ms: UInt64 = 1_700_000_000_000) -> OpBuilder.Stamp {
    OpBuilder.Stamp(node: node, seq: seq, hlc: HLCTimestamp(raw: ms << 16 | seq))
}
