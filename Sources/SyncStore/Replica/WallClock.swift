/// Where a replica reads the time, in Unix milliseconds: the system clock, or one a test moves
/// (a laptop whose clock ran a day ahead, then was fixed).
public struct WallClock: Sendable {
    private let read: @Sendable () -> UInt64

    /// A clock that reads `read()` milliseconds since 1970-01-01T00:00:00Z.
    public init(_ read: @escaping @Sendable () -> UInt64) { self.read = read }

    /// The machine's clock.
    public static let system = WallClock { IdentityRecord.wallMilliseconds() }

    /// The current reading.
    public func milliseconds() -> UInt64 { read() }
}
