extension ServerLogStorage {
    /// The canonical state (``ReplicaState/canonicalForm(including:)``) of what `department` may
    /// read under `rules`, replayed from the whole log in pages: the text whose SHA-256 that
    /// department's replicas print as their state hash once they have synced. Reads only.
    public func canonicalForm(of department: String, rules: AccessRules, schema: Schema) throws -> String {
        var state = ReplicaState(schema: schema)
        var since: UInt64 = 0
        while true {
            let page = try ops(since: since, limit: 5_000)
            for op in page where rules.mayRead(department, op.collection) { try state.apply(op.content) }
            guard let last = page.last?.log, page.count == 5_000 else { break }
            since = last
        }
        return state.canonicalForm(including: { rules.mayRead(department, $0) })
    }
}
