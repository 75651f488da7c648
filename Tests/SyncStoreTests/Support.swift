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

/// SplitMix64: a small seeded generator so a failing seed can be replayed.
struct SeededGenerator: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

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
