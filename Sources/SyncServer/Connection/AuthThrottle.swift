import NIOConcurrencyHelpers
import NIOCore

/// Failed authentications per client address: after ``limit`` failures within ``window``, hellos
/// from that address are refused at once for ``holdBack``; no other address is affected. A value
/// (times are monotonic nanoseconds passed in), so tests can step it; the daemon keeps one behind
/// a lock (``AuthGate``).
struct AuthThrottle: Sendable {
    /// Failures within ``window`` that start a hold. Default 10.
    var limit: Int
    /// The span failures are counted over.
    var window: TimeAmount
    /// How long an address is held back.
    var holdBack: TimeAmount
    private var failures: [String: [Int64]] = [:]
    private var heldUntil: [String: Int64] = [:]

    init(limit: Int = 10, window: TimeAmount = .seconds(60), holdBack: TimeAmount = .seconds(60)) {
        self.limit = max(1, limit)
        self.window = window
        self.holdBack = holdBack
    }

    /// How long `address` is still held back at `now`, nil when it may try.
    mutating func heldBack(_ address: String, now: Int64) -> TimeAmount? {
        guard let until = heldUntil[address] else { return nil }
        if until > now { return .nanoseconds(until - now) }
        heldUntil[address] = nil
        return nil
    }

    /// Notes a failure; true when this one starts a hold.
    mutating func failed(_ address: String, now: Int64) -> Bool {
        if failures.count > 10_000 { prune(now: now) }
        var recent = (failures[address] ?? []).filter { now - $0 < window.nanoseconds }
        recent.append(now)
        guard recent.count >= limit else {
            failures[address] = recent
            return false
        }
        failures[address] = nil
        heldUntil[address] = now + holdBack.nanoseconds
        return true
    }

    /// A success forgets the address's failures.
    mutating func succeeded(_ address: String) {
        failures[address] = nil
    }

    /// Drops counts and holds that no longer matter, so scanning addresses cannot grow it without bound.
    private mutating func prune(now: Int64) {
        failures = failures.filter { $0.value.contains { now - $0 < window.nanoseconds } }
        heldUntil = heldUntil.filter { $0.value > now }
    }
}

/// ``AuthThrottle`` shared by every connection of a daemon.
final class AuthGate: @unchecked Sendable {
    private let lock = NIOLock()
    private var throttle: AuthThrottle

    init(_ throttle: AuthThrottle) {
        self.throttle = throttle
    }

    func heldBack(_ address: String) -> TimeAmount? {
        lock.withLock { throttle.heldBack(address, now: Int64(NIODeadline.now().uptimeNanoseconds)) }
    }

    func failed(_ address: String) -> Bool {
        lock.withLock { throttle.failed(address, now: Int64(NIODeadline.now().uptimeNanoseconds)) }
    }

    func succeeded(_ address: String) {
        lock.withLock { throttle.succeeded(address) }
    }
}
