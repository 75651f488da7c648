extension ServerLogStorage {
    /// The canonical state (``ReplicaState/canonicalForm(including:)``) of what `department` may
    /// read under `rules`: the snapshot at the log's horizon, then the ops after it, read in
    /// pages: the text whose SHA-256 that department's replicas print as their state hash once
    /// they have synced. Reads only; starts again when a compaction moves the horizon meanwhile.
    public func canonicalForm(of department: String, rules: AccessRules, schema: Schema) throws -> String {
        let readable = { (c: String) in rules.mayRead(department, c) }
        while true {
            do {
                let snapshot = try snapshotState(schema: schema, readable: readable)
                var state = snapshot.state
                var since = snapshot.horizon
                while true {
                    let page = try ops(since: since, limit: 5_000)
                    for op in page where readable(op.collection) { try state.apply(op.content) }
                    guard let last = page.last?.log, page.count == 5_000 else { break }
                    since = last
                }
                return state.canonicalForm(including: readable)
            } catch is SnapshotRequired {
                continue
            }
        }
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
