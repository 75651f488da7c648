import SyncModel

/// A failure the user sees as one line on stderr (`plansync: …`), with its exit status.
///
/// Exit statuses (DESIGN.md, "Command surface"): 1 user error, 2 usage (argument parser),
/// 3 network or server refusal, whose message names the wire error code.
struct CLIError: Error, CustomStringConvertible {
    enum Status: Int32 {
        case user = 1
        case usage = 2
        case network = 3
    }

    let message: String
    let status: Status

    init(_ message: String, status: Status = .user) {
        self.message = message
        self.status = status
    }

    var description: String { message }

    /// A mistake in what the user asked for, or a replica that cannot do it: exit 1.
    static func user(_ message: String) -> CLIError { CLIError(message, status: .user) }
    /// The server could not be reached, or refused: exit 3.
    static func network(_ message: String) -> CLIError { CLIError(message, status: .network) }
}

extension CLIError {
    /// The one-line form of an error a command lets through: errors of the model, the store and
    /// the client carry complete one-line messages.
    /// nil for errors of the argument parser (help requests, validation), which it reports itself.
    static func from(_ error: any Error) -> CLIError? {
        switch error {
        case let e as CLIError: return e
        case let e as SyncModel.ValidationError: return .user(e.message)
        case let e as NodeIDError: return .user(e.description)
        case let e as HLCError: return .user(e.description)
        default: return ErrorTranslation.translate(error)
        }
    }

    /// The message as printed: one line, bounded, without control characters.
    var line: String { "plansync: " + TextCell.truncated(TextCell.oneLine(message), to: 2000) }
}
