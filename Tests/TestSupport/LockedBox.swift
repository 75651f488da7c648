import Foundation

/// A value shared between a test and the threads it starts, read and changed under a lock.
/// ```swift
/// let seen = LockedBox<[Int]>([])
/// Thread { seen.update { $0.append(1) } }.start()
/// ```
public final class LockedBox<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: Value

    public init(_ value: Value) { stored = value }

    /// The value now.
    public var value: Value { lock.withLock { stored } }

    /// Changes the value in place under the lock.
    public func update(_ change: (inout Value) -> Void) { lock.withLock { change(&stored) } }
}
