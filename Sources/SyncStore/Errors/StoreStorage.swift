import GRDB
import SyncModel

/// Maps the errors of the layers below to ``StoreError`` at the public boundary, so callers see one
/// error type with one-line messages. Admission refusals pass through: the daemon needs their codes.
enum StoreStorage {
    static func wrap(_ error: any Error) -> any Error {
        switch error {
        case let e as StoreError: return e
        case let e as ValidationError: return StoreError.validation(e)
        case let e as HLCError: return StoreError.clock(e)
        case let e as DatabaseError: return StoreError.database(e.message ?? e.description)
        default: return error
        }
    }
}
