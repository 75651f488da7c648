import GRDB
import SyncModel

/// An op spread over plain columns (the daemon's op log, `ps_log`), so that writing and
/// reading ops costs no JSON coder: values are ``SyncModel/Value/jsonText``, dot lists
/// ``DotText`` text.
///
/// Columns, in this order: `collection, row_id, field, kind, node, seq, hlc, value, replaces,
/// delta, element, removes, context`.
enum OpColumns {
    static let names = "collection, row_id, field, kind, node, seq, hlc, value, replaces, delta, element, removes, context"
    static let placeholders = "?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?"
    static let count = 13

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
            guard let v = Value(jsonText: text) else { throw StoreError.corrupt("value \(text.prefix(80))") }
            value = v
        }
        let replaces = try dots(row, start + 8)
        let removes = try dots(row, start + 11)
        var context: VersionVector?
        if let text = try row.decode(String?.self, atIndex: start + 12) {
            guard let vv = VersionVector(jsonText: text) else { throw StoreError.corrupt("context \(text.prefix(80))") }
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

extension RawStatement {
    /// Binds the columns of `op` to parameters `start ..< start + OpColumns.count`, in
    /// ``OpColumns/names`` order: the text forms ``OpColumns/op(_:from:)`` reads back, without an
    /// argument array or a `String` per scalar.
    func bind(_ start: Int32, columnsOf op: Op) throws {
        try bind(start, op.collection)
        try bind(start + 1, op.row)
        try bind(start + 2, op.field)
        try bind(start + 3, op.kind.rawValue)
        try bind(start + 4, op.node)
        try bind(start + 5, seq: op.seq)
        try bind(start + 6, hlc: op.hlc)
        if let value = op.value { try bind(start + 7, json: value) } else { try bindNull(start + 7) }
        try bind(start + 8, op.replaces.isEmpty ? nil : DotText.join(op.replaces))
        if let delta = op.delta { try bind(start + 9, delta) } else { try bindNull(start + 9) }
        try bind(start + 10, op.element)
        try bind(start + 11, op.removes.isEmpty ? nil : DotText.join(op.removes))
        try bind(start + 12, op.context.map(\.jsonText))
    }
}
