import SyncProtocol

/// Why a sync did not complete. Every case prints as one line naming what went wrong, so the CLI
/// can show it as is (exit code 3 for ``server(code:message:)`` and ``network(_:_:)``).
///
/// Nothing is lost on any of them: outbox entries leave only after an `ack`, and the cursor moves
/// only with an applied batch, so the next ``SyncClient/sync()`` picks up where this one stopped.
public enum SyncClientError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The daemon refused with an `error` message: its wire code (DESIGN.md, "Error codes",
    /// e.g. `.authFailed` for `auth_failed`; a code this version does not know arrives as
    /// `.internal` with the code in the message) and its message.
    case server(code: ErrorCode, message: String)
    /// No usable connection: refused, unreachable, timed out, or closed in the middle.
    case network(NetworkFailure, String)
    /// The TLS connection could not be trusted or set up, naming the cause: wrong pin, unknown CA,
    /// host name mismatch, expired certificate, a plain TCP port. Not transient.
    case tls(String)
    /// The daemon sent something this client cannot follow (bad JSON, a reply to no request,
    /// a position going backwards).
    case protocolViolation(String)
    /// The replica has no server or token to sync with, or the address is malformed.
    case configuration(String)
    /// The local replica failed to read or write; the transaction was rolled back.
    case replica(String)
    /// The task running the sync was cancelled; what was acknowledged or applied stays.
    case cancelled
    /// This machine's clock is further behind the daemon's `welcome.time` than the allowed skew
    /// (protocol/PROTOCOL.md §8.1): nothing was pushed (`sync` still pulled). Says by how much.
    case clockBehind(milliseconds: UInt64, allowedMilliseconds: UInt64)
    /// The daemon lacks ops this replica holds (`missing` of them, of `nodes`, byte order): its
    /// log was restored from an older backup. They reach it again when their replicas sync; until
    /// then every sync of this replica reads the whole log again to check.
    case lostHistory(missing: UInt64, nodes: [String])
    /// The daemon lacks `missing` of this replica's own acknowledged ops, up to seq `through`, and
    /// the replica can no longer send them again: its op record no longer holds them (a history
    /// window shorter than the time since the daemon's backup). Their effects stay in this
    /// replica, but no other replica gets them; the next push stops at `seq_gap`.
    case ownHistoryLost(missing: UInt64, through: UInt64)

    /// The kind of network failure.
    public enum NetworkFailure: String, Equatable, Sendable {
        /// Nobody listens on the port (ECONNREFUSED).
        case refused = "connection refused"
        /// The host cannot be resolved or reached.
        case unreachable
        /// Connecting took longer than the connect timeout, or a reply longer than the request timeout.
        case timedOut = "timed out"
        /// The connection closed or broke before the exchange finished.
        case closed = "connection lost"
    }

    /// The server's error code, nil for other cases.
    public var serverCode: ErrorCode? {
        if case .server(let code, _) = self { return code }
        return nil
    }

    /// Whether retrying later may succeed without anyone changing anything: network trouble, or
    /// the daemon being busy, stopping, idle-closing or failing internally. A refusal such as
    /// `auth_failed` or `seq_gap` will not go away.
    public var isTransient: Bool {
        switch self {
        case .network: return true
        case .server(let code, _): return SyncClientError.transientCodes.contains(code)
        case .tls, .protocolViolation, .configuration, .replica, .cancelled, .clockBehind, .lostHistory, .ownHistoryLost: return false
        }
    }

    /// Server codes worth a retry (protocol/PROTOCOL.md, "Error codes").
    static let transientCodes: Set<ErrorCode> = [.internal, .shuttingDown, .tooManyConnections, .idleTimeout]

    /// One line: what failed, the code or kind in parentheses, then the detail.
    public var description: String {
        switch self {
        case let .server(code, message): return "server refused (\(code.rawValue)): \(message)"
        case let .network(kind, detail): return "network error (\(kind.rawValue)): \(detail)"
        case let .tls(detail): return "TLS error: \(detail)"
        case let .protocolViolation(detail): return "protocol error: \(detail)"
        case let .configuration(detail): return "configuration error: \(detail)"
        case let .replica(detail): return "replica error: \(detail)"
        case .cancelled: return "sync cancelled"
        case let .clockBehind(ms, allowed):
            return "clock error (clock_skew): this computer's clock is \(SyncClientError.span(ms)) behind the server's (allowed \(SyncClientError.span(allowed))); "
                + "fix it, then sync again (nothing was pushed)"
        case let .ownHistoryLost(missing, through):
            return "daemon lost history: it lacks \(missing) of this replica's own acknowledged op\(missing == 1 ? "" : "s") (up to seq \(through)), "
                + "and this replica can no longer send them again: its op record no longer holds them (plansync compact --keep-days); "
                + "their effects stay here, but no other replica gets them (docs/operations.md, \"Restoring the daemon from a backup\")"
        case let .lostHistory(missing, nodes):
            return "daemon lost history: it lacks \(missing) op\(missing == 1 ? "" : "s") this replica holds, made by \(nodes.joined(separator: ", ")) "
                + "(was it restored from an older backup?); they reach it again when those replicas sync, and the next sync here checks again "
                + "(docs/operations.md, \"Restoring the daemon from a backup\")"
        }
    }

    /// A span of milliseconds as people say it: `45 s`, `62 min`, `26 h 5 min`, `3 days 2 h`.
    public static func span(_ ms: UInt64) -> String {
        let s = (ms + 500) / 1000
        if s < 120 { return "\(s) s" }
        if s < 3 * 3600 { return "\((s + 30) / 60) min" }
        if s < 2 * 86_400 { return "\(s / 3600) h \(s % 3600 / 60) min" }
        return "\(s / 86_400) days \(s % 86_400 / 3600) h"
    }
}
