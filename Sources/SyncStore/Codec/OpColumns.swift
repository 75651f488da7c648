import GRDB
import SyncModel

/// An op spread over plain columns (the op log and the recent-op record), so that writing and
/// reading ops costs no JSON coder: values are ``SyncModel/Value/jsonText``, dot lists
/// ``DotText`` text.
///
/// Columns, in this order: `collection, row_id, field, kind, node, seq, hlc, value, replaces,
/// delta, element, removes, context`.
enum OpColumns {
    static let names = "collection, row_id, field, kind, node, seq, hlc, value, replaces, delta, element, removes, context"
    static let placeholders = "?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?"
    static let count = 13

    /// The column values of `op`, in ``names`` order.
    static func values(_ op: Op) -> [(any DatabaseValueConvertible)?] {
        [
            op.collection, op.row, op.field, op.kind.rawValue, op.node, Int64(clamping: op.seq), op.hlc.description,
            op.value?.jsonText,
            op.replaces.isEmpty ? nil : DotText.join(op.replaces),
            op.delta,
            op.element,
            op.removes.isEmpty ? nil : DotText.join(op.removes),
            op.context.map(DotText.json),
        ]
    }

    /// Reads an op from `row`, whose columns `start ..< start + count` are in ``names`` order.
    static func op(_ row: Row, from start: Int = 0) throws -> Op {
        let kindText = try row.decode(String.self, atIndex: start + 3)
        guard let kind = OpKind(rawValue: kindText) else { throw StoreError.corrupt("op kind \(kindText)") }
        let hlcText = try row.decode(String.self, atIndex: start + 6)
        guard let hlc = HLCTimestamp(parsing: hlcText) else { throw StoreError.corrupt("hlc \(hlcText)") }
        let seq = try row.decode(Int64.self, atIndex: start + 5)
        guard seq > 0 else { throw StoreError.corrupt("seq \(seq)") }
        var value: Value?
        if let text = try row.decode(String?.self, atIndex: start + 7) {
            guard let v = ValueJSON.parse(text) else { throw StoreError.corrupt("value \(text.prefix(80))") }
            value = v
        }
        let replaces = try dots(row, start + 8)
        let removes = try dots(row, start + 11)
        var context: VersionVector?
        if let text = try row.decode(String?.self, atIndex: start + 12) {
            guard let vv = DotText.versionVector(text) else { throw StoreError.corrupt("context \(text.prefix(80))") }
            context = vv
        }
        return Op(collection: try row.decode(String.self, atIndex: start), row: try row.decode(String.self, atIndex: start + 1),
                  field: try row.decode(String.self, atIndex: start + 2), kind: kind,
                  node: try row.decode(String.self, atIndex: start + 4), seq: UInt64(seq), hlc: hlc,
                  value: value, replaces: replaces, delta: try row.decode(Int64?.self, atIndex: start + 9),
                  element: try row.decode(String?.self, atIndex: start + 10), removes: removes, context: context)
    }

    private static func dots(_ row: Row, _ index: Int) throws -> [Dot] {
        guard let text = try row.decode(String?.self, atIndex: index) else { return [] }
        guard let dots = DotText.split(text) else { throw StoreError.corrupt("dots \(text.prefix(80))") }
        return dots
    }
}
