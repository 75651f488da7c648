import SyncStore

/// Maps errors of the store and the sync client to ``CLIError``s with the right exit status.
enum ErrorTranslation {
    /// nil when the error is not one of the libraries' typed errors.
    static func translate(_ error: any Error) -> CLIError? {
        switch error {
        case let e as StoreError: return .user(e.description)
        default: return nil
        }
    }
}
