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
    /// read under `rules`: the log head is read first and the ops up to it are replayed in pages,
    /// so the form is that of one position even while pushes commit. Its SHA-256 is what that
    /// department's replicas print as their state hash once they have synced. Reads only; the
    /// whole log is replayed on each call.
    public func scopedCanonicalForm(of department: String, rules: AccessRules, schema: Schema) throws -> ScopedCanonicalForm {
        let end = try head()
        var state = ReplicaState(schema: schema)
        var since: UInt64 = 0
        var readableHead: UInt64 = 0
        let pageSize = 5_000
        reading: while since < end {
            let page = try ops(since: since, limit: pageSize)
            for op in page {
                guard let position = op.log, position <= end else { break reading }
                guard rules.mayRead(department, op.collection) else { continue }
                try state.apply(op.content)
                readableHead = position
            }
            guard let last = page.last?.log, page.count == pageSize else { break }
            since = last
        }
        return ScopedCanonicalForm(text: state.canonicalForm(including: { rules.mayRead(department, $0) }), head: readableHead)
    }

    /// The text of ``scopedCanonicalForm(of:rules:schema:)``.
    public func canonicalForm(of department: String, rules: AccessRules, schema: Schema) throws -> String {
        try scopedCanonicalForm(of: department, rules: rules, schema: schema).text
    }
}
