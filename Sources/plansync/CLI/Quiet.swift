import Logging

/// Library logs are not for CLI users: what they need is printed by the commands themselves
/// (one-line errors, warnings on stderr), so library loggers write nowhere.
enum Quiet {
    static let logger = Logger(label: "plansync", factory: { _ in SwiftLogNoOpLogHandler() })
}
