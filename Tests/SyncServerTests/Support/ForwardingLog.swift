import SyncModel
@testable import SyncServer

/// A test log over a ``MemoryServerLog``: every requirement goes to `inner` unless the conforming
/// class declares its own (a slow commit, a counted read, a watch that never wakes).
protocol ForwardingLog: ServerLogStorage {
    var inner: MemoryServerLog { get }
}

extension ForwardingLog {
    func lastSeq(of node: String) throws -> UInt64 { inner.lastSeq(of: node) }
    func storedOp(_ dot: Dot) throws -> Op? { inner.storedOp(dot) }
    func counterTotal(_ key: CounterKey) throws -> Int64 { inner.counterTotal(key) }
    func head() throws -> UInt64 { inner.head() }
    func department(forToken token: String) throws -> String? { inner.department(forToken: token) }
    func ops(since: UInt64, limit: Int) throws -> [Op] { try inner.ops(since: since, limit: limit) }

    func commit(_ push: PendingPush, schema: Schema, wallMilliseconds: UInt64, maxSkewMilliseconds: UInt64) throws -> LogCommit {
        try inner.commit(push, schema: schema, wallMilliseconds: wallMilliseconds, maxSkewMilliseconds: maxSkewMilliseconds)
    }
}
