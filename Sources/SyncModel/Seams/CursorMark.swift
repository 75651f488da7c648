/// The last op a replica received from the daemon's log, by position and dot: what the daemon
/// must still hold there. A daemon restored from an older copy appends new ops at positions the
/// replica has passed; the replica's cursor cannot tell once the log grew past it again, but the
/// op at the mark's position then has another dot (``SyncingReplica/cursorMark()``).
///
/// ```swift
/// let mark = CursorMark(position: 212, dot: Dot(node: "sales-laptop", seq: 17))
/// ```
public struct CursorMark: Equatable, Sendable {
    /// A log position, from 1.
    public var position: UInt64
    /// The dot of the op the daemon sent at that position.
    public var dot: Dot

    public init(position: UInt64, dot: Dot) {
        self.position = position
        self.dot = dot
    }
}
