import SyncClient
import SyncModel
import SyncProtocol
import SyncStore

/// Maps errors of the store and the sync client to ``CLIError``s with the right exit status:
/// the daemon's refusals and network trouble exit 3 and name the wire error code.
enum ErrorTranslation {
    /// nil when the error is not one of the libraries' typed errors.
    static func translate(_ error: any Error) -> CLIError? {
        switch error {
        case let e as StoreError: return .user(e.description)
        case let e as SyncClientError: return translate(e)
        default: return nil
        }
    }

    static func translate(_ error: SyncClientError) -> CLIError {
        switch error {
        case let .server(code, message): return .network("server refused: \(code.rawValue): \(message)\(advice(code, message))")
        case let .network(kind, detail): return .network("cannot sync (\(kind.rawValue)): \(detail)")
        case let .tls(detail): return .network("cannot sync (TLS): \(detail)")
        case let .protocolViolation(detail): return .network("the server broke the protocol: \(detail)")
        case let .configuration(detail): return .user(detail)
        case let .replica(detail): return .user(detail)
        case .cancelled: return .user("sync cancelled; the next sync continues where it stopped")
        case .clockBehind, .lostHistory, .ownHistoryLost: return .network(error.description)
        }
    }

    /// What to do about a refusal the client could not repair itself.
    static func advice(_ code: SyncProtocol.ErrorCode, _ message: String) -> String {
        switch code {
        case .invalidOp where message.contains("beyond ±2^53"):
            // A counter's total in the log (Admission): other replicas' decrements may make room.
            guard let dot = RefusedOp.dot(in: message) else { return "" }
            return "; the op stays queued, and is taken once other replicas' decrements leave room. "
                + "To drop it instead, unless this laptop is sending it again after a restore of the daemon: "
                + "`plansync outbox discard \(dot)` (the replica is rebuilt from the daemon, the other unsent edits kept; "
                + "name every op to drop in one discard)"
        case .duplicateDot:
            return "; another replica made ops under this node id (this file is a copy of one that synced first, or the "
                + "node id was used before, e.g. by this laptop before it was set up again): give this replica a new node id with "
                + "`plansync rekey --node NEW-NODE-ID` (its unsent edits move along), then sync"
        case .authFailed:
            return "; ask the daemon's operator for a valid token (plansyncd token add) and set it with plansync config --token TOKEN"
        case .clockSkew:
            return "; fix this computer's clock, then sync again: the unsent ops are then re-stamped automatically"
        case .unknownType:
            return "; the daemon is older than this plansync and does not know the request (state_hash needs a daemon with it)"
        default:
            return ""
        }
    }
}
