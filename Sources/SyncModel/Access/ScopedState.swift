/// The canonical state of what one department may read, and the log position it is for.
public struct ScopedCanonicalForm: Hashable, Sendable {
    /// ``ReplicaState/canonicalForm(including:)`` of the readable collections.
    public var text: String
    /// The position of the last op the form covers that the department may read (0 when there is
    /// none): what that department's replica cursor is once it has pulled everything up to the
    /// log head the form was read at (a page's `next` stops at its last readable op).
    public var head: UInt64

    /// A form and the position it is for.
    public init(text: String, head: UInt64) {
        self.text = text
        self.head = head
    }
}

extension ServerLogStorage {
    /// The canonical state (``ReplicaState/canonicalForm(including:)``) of what `department` may
    /// read under `rules`, and the position it is for: the log head is read first, then the
    /// snapshot at the horizon and the ops after it up to that head, in pages, so the form is that
    /// of one position even while pushes commit. Its SHA-256 is what that department's replicas
    /// print as their state hash once they have synced. Reads only; starts again when a compaction
    /// moves the horizon meanwhile.
    public func scopedCanonicalForm(of department: String, rules: AccessRules, schema: Schema) throws -> ScopedCanonicalForm {
        let readable = { (c: String) in rules.mayRead(department, c) }
        let pageSize = 5_000
        while true {
            do {
                let end = try head()
                let snapshot = try snapshotState(schema: schema, readable: readable)
                var state = snapshot.state
                var since = snapshot.horizon
                var readableHead = snapshot.horizon
                reading: while since < end {
                    let page = try ops(since: since, limit: pageSize)
                    for op in page {
                        guard let position = op.log, position <= end else { break reading }
                        guard readable(op.collection) else { continue }
                        try state.apply(op.content)
                        readableHead = position
                    }
                    guard let last = page.last?.log, page.count == pageSize else { break }
                    since = last
                }
                return ScopedCanonicalForm(text: state.canonicalForm(including: readable), head: readableHead)
            } catch is SnapshotRequired {
                continue
            }
        }
    }

    /// The text of ``scopedCanonicalForm(of:rules:schema:)``.
    public func canonicalForm(of department: String, rules: AccessRules, schema: Schema) throws -> String {
        try scopedCanonicalForm(of: department, rules: rules, schema: schema).text
    }

    /// The snapshot at the horizon, of the collections `readable` admits, read page by page.
    /// Throws ``SnapshotRequired`` when a compaction replaces it meanwhile.
    public func snapshotState(schema: Schema, readable: (String) -> Bool = { _ in true }) throws -> Snapshot {
        var page = try snapshotPage(horizon: nil, after: nil, limit: 5_000, maxBytes: 16 << 20, readable: readable)
        let horizon = page.horizon, vv = page.versionVector
        var records: [SnapshotRecord] = []
        while true {
            for json in page.records {
                records.append(try SnapshotRecord.decode(String(decoding: json, as: UTF8.self), schema: schema))
            }
            guard page.more else { break }
            page = try snapshotPage(horizon: horizon, after: page.next, limit: 5_000, maxBytes: 16 << 20, readable: readable)
        }
        return Snapshot(horizon: horizon, versionVector: vv, records: records, schema: schema)
    }
}
