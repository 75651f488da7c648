import SyncModel

/// Why a replica operation was refused. Every case reads as one line (``description``); nothing was
/// written when one is thrown.
public enum StoreError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The input does not fit the schema (unknown collection or field, wrong type, bad enum …).
    case validation(ValidationError)
    /// No row with this id in the collection.
    case rowNotFound(collection: String, id: String)
    /// A create named an id that is already taken.
    case rowExists(collection: String, id: String)
    /// The row is deleted; edits are refused until it is restored.
    case rowDeleted(collection: String, id: String)
    /// A delete of a row that is already deleted (and has no open conflict a delete would close).
    case alreadyDeleted(collection: String, id: String)
    /// A restore of a row that is not deleted.
    case notDeleted(collection: String, id: String)
    /// The operation does not apply to the field's kind (`inc` on a text field, `put` of a counter …).
    case fieldKindMismatch(path: String, expected: String)
    /// `remove` of an element the set does not hold.
    case elementAbsent(path: String, element: String)
    /// No open conflict with this id (or id prefix).
    case noSuchConflict(String)
    /// A conflict id prefix that matches several open conflicts.
    case ambiguousConflict(String)
    /// `--pick N` outside 1…count.
    case badPick(Int, count: Int)
    /// The file does not exist.
    case noSuchFile(String)
    /// The file exists but is not a PlanSync replica.
    case notAReplica(path: String, reason: String)
    /// `create(at:)` of a path that already exists.
    case alreadyExists(String)
    /// `create(at:)` of a path whose folder does not exist (it is not made: a typo would hide).
    case noSuchFolder(path: String, folder: String)
    /// An invalid node id or department at creation.
    case invalidIdentity(String)
    /// A write to a daemon's file opened as a replica: only the daemon changes it.
    case daemonFile(String)
    /// A write to a replica file this process may only read, or one it cannot open that way.
    case readOnly(String)
    /// A token id or prefix that matches no token.
    case noSuchToken(String)
    /// A token id prefix that matches several tokens.
    case ambiguousToken(String)
    /// Stored data that cannot be read back (a damaged or foreign file).
    case corrupt(String)
    /// The clock could not produce or accept a reading.
    case clock(HLCError)
    /// An SQLite failure, with its message.
    case database(String)
    /// A code path that is not built yet.
    case notImplemented(String)
    /// Own ops the daemon lost cannot be sent again from this replica: the message says which
    /// and what to do.
    case unrecoverable(String)
    /// The access rules this replica last received forbid the write: the message names the rule.
    case forbidden(String)
    /// An argument out of range (a compaction position beyond the log, a bad window).
    case invalidArgument(String)

    /// One line, no trailing period, suitable for `plansync: <message>`.
    public var description: String {
        switch self {
        case .validation(let e): return e.message
        case let .rowNotFound(c, id):
            // Ids are compared exactly; the ones plansync makes are lowercase UUIDs.
            let hint = id == id.lowercased() ? "" : " (ids are case-sensitive; the ones plansync makes are lowercase)"
            return "\(c) has no row \(id)\(hint)"
        case let .rowExists(c, id): return "\(c) already has a row \(id)"
        case let .rowDeleted(c, id): return "\(c) \(id) is deleted; restore it first"
        case let .alreadyDeleted(c, id): return "\(c) \(id) is already deleted"
        case let .notDeleted(c, id): return "\(c) \(id) is not deleted"
        case let .fieldKindMismatch(path, expected): return "\(path): is \(expected)"
        case let .elementAbsent(path, element): return "\(path): does not contain \(JSONText.quote(element))"
        case .noSuchConflict(let id): return "no open conflict \(id)"
        case .ambiguousConflict(let id): return "conflict id \(id) is ambiguous; give more digits"
        case let .badPick(n, count): return "no value \(n) to pick; choose 1 to \(count)"
        case .noSuchFile(let path): return "no replica at \(path); run plansync init first"
        case let .notAReplica(path, reason): return "\(path) is not a PlanSync replica: \(reason)"
        case .alreadyExists(let path): return "\(path) already exists; refusing to overwrite it"
        case let .noSuchFolder(path, folder): return "cannot create \(path): the folder \(folder) does not exist"
        case .invalidIdentity(let message): return message
        case .daemonFile(let path): return "\(path) is the sync daemon's file; only the daemon changes it (reading works)"
        case .readOnly(let message): return message
        case .noSuchToken(let id): return "no token \(id)"
        case .ambiguousToken(let id): return "token id \(id) is ambiguous; give more characters"
        case .corrupt(let message): return "damaged replica data: \(message)"
        case .clock(let e): return e.description
        case .database(let message): return "database error: \(message)"
        case .notImplemented(let what): return "\(what) is not implemented"
        case .unrecoverable(let message): return message
        case .forbidden(let message): return message
        case .invalidArgument(let message): return message
        }
    }
}
