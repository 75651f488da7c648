import TestSupport
import Foundation
import SyncModel

/// A small schema with one field of every kind, for unit tests that do not need the planning schema.
let testSchema = Schema(version: 1, collections: [
    CollectionSchema("items", [
        FieldSchema("title", .text),
        FieldSchema("count", .anyInteger),
        FieldSchema("percent", .integer(0...100)),
        FieldSchema("weight", .real),
        FieldSchema("done", .bool),
        FieldSchema("due", .date),
        FieldSchema("at", .datetime),
        FieldSchema("level", .enumeration(["low", "medium", "high"])),
        FieldSchema("owner", .ref("people")),
        FieldSchema("spent", .counter),
        FieldSchema("tags", .textSet),
    ]),
    CollectionSchema("people", [FieldSchema("name", .text)]),
])

func ts(_ ms: UInt64, _ counter: UInt16 = 0) -> HLCTimestamp {
    HLCTimestamp(raw: ms << 16 | UInt64(counter))
}

func dot(_ text: String) -> Dot {
    Dot(parsing: text)!
}

/// A `set` op on `items/r1` unless told otherwise.
func setOp(_ node: String, _ seq: UInt64, field: String = "title", _ value: Value, replaces: [String] = [],
           hlc: HLCTimestamp? = nil, row: String = "r1", context: VersionVector? = nil, collection: String = "items") -> Op {
    Op(collection: collection, row: row, field: field, kind: .set, node: node, seq: seq, hlc: hlc ?? ts(1_000 + seq),
       value: value, replaces: replaces.map(dot), context: context)
}

func deleteOp(_ node: String, _ seq: UInt64, _ deleted: Bool, context: [String: UInt64], replaces: [String] = [],
              hlc: HLCTimestamp? = nil, row: String = "r1") -> Op {
    setOp(node, seq, field: Op.deletedField, .bool(deleted), replaces: replaces, hlc: hlc, row: row, context: VersionVector(context))
}

func incOp(_ node: String, _ seq: UInt64, _ delta: Int64, row: String = "r1") -> Op {
    Op(collection: "items", row: row, field: "spent", kind: .inc, node: node, seq: seq, hlc: ts(1_000 + seq), delta: delta)
}

func addOp(_ node: String, _ seq: UInt64, _ element: String, row: String = "r1") -> Op {
    Op(collection: "items", row: row, field: "tags", kind: .add, node: node, seq: seq, hlc: ts(1_000 + seq), element: element)
}

func removeOp(_ node: String, _ seq: UInt64, _ element: String, removes: [String], row: String = "r1") -> Op {
    Op(collection: "items", row: row, field: "tags", kind: .remove, node: node, seq: seq, hlc: ts(1_000 + seq),
       element: element, removes: removes.map(dot))
}

/// A replica of `testSchema` that has applied `ops` in order.
func replica(_ ops: [Op]) throws -> ReplicaState {
    var r = ReplicaState(schema: testSchema)
    for op in ops { try r.apply(op) }
    return r
}

func decodeOp(_ json: String) throws -> Op {
    try JSONDecoder().decode(Op.self, from: Data(json.utf8))
}

func encodeJSON<T: Encodable>(_ value: T) throws -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys]
    return String(decoding: try encoder.encode(value), as: UTF8.self)
}

/// A register's sibling dots as text, sorted.
func siblingDots(_ r: MultiValueRegister) -> [String] { r.dots.map(\.description) }

extension VersionVector {
    /// `{a:1,b:2}`, for messages and traces.
    var text: String { "{" + sorted.map { "\($0.node):\($0.seq)" }.joined(separator: ",") + "}" }
}
