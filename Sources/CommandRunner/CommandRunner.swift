import ArgumentParser
import Foundation
import SyncModel

/// A failure a command reports: the line printed on stderr and the exit status.
public struct CommandFailure: Error, Sendable {
    /// The line as printed, without its newline (`plansync: …`).
    public let line: String
    /// The process's exit status.
    public let status: Int32

    /// A failure printed as `line`, exiting with `status`.
    public init(line: String, status: Int32) {
        self.line = line
        self.status = status
    }
}

/// The exit statuses ``CommandRunner`` gives itself.
public enum ExitStatus {
    /// The command did what was asked (help and version included).
    public static let success: Int32 = 0
    /// A user error, reported as one line.
    public static let user: Int32 = 1
    /// The arguments do not parse: the argument parser's message.
    public static let usage: Int32 = 2
}

/// The one parse/run/exit logic of the executables (`plansync`, `plansyncd`), on
/// swift-argument-parser: it checks that every argument is UTF-8, parses them with `Root`, runs
/// the command, and turns every outcome into an exit status, printing instead of throwing (no
/// stack traces):
/// - 0: success; help and version go to stdout;
/// - 1: an argument that is not UTF-8, or an error thrown while running that ``failure`` does not
///   know (one line, ``line``);
/// - 2: usage: the argument parser's message on stderr (its own code would be 64);
/// - whatever ``failure`` says for the errors it knows (`plansync` uses 3 for the network).
///
/// ```swift
/// @main struct Tool: AsyncParsableCommand {
///     static func main() async {
///         await CommandRunner(Tool.self, name: "tool") { ($0 as? MyError).map { CommandFailure(line: "tool: \($0)", status: 1) } }.main()
///     }
/// }
/// ```
public struct CommandRunner<Root: ParsableCommand>: Sendable {
    /// The program's name, which starts every line the runner writes itself (`plansyncd: …`).
    public let name: String
    /// The one line printed for `message`: by default the name, `: `, and the message's first line.
    public var line: @Sendable (String) -> String
    /// The failure an error thrown by a command stands for; nil for errors the runner reports
    /// itself (the argument parser's, and any other as a user error with status 1).
    public var failure: @Sendable (any Error) -> CommandFailure?

    /// A runner of the command tree `root` for the program `name`; `line` and `failure` as above.
    public init(_ root: Root.Type, name: String, line: (@Sendable (String) -> String)? = nil,
                failure: @escaping @Sendable (any Error) -> CommandFailure?) {
        self.name = name
        self.line = line ?? { message in "\(name): " + (message.split(separator: "\n", omittingEmptySubsequences: false).first.map(String.init) ?? message) }
        self.failure = failure
    }

    /// Runs the process's arguments and exits with the status.
    public func main() async -> Never {
        switch TextInput.arguments() {
        case .success(let arguments):
            exit(await run(arguments))
        case .failure(let bad):
            Self.err(line(bad.description))
            exit(ExitStatus.user)
        }
    }

    /// Parses and runs `arguments` (without the program name); returns the exit status.
    public func run(_ arguments: [String]) async -> Int32 {
        let command: any ParsableCommand
        do {
            command = try Root.parseAsRoot(arguments)
        } catch {
            return report(parseError: error)
        }
        do {
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                var syncCommand = command
                try syncCommand.run()
            }
            return ExitStatus.success
        } catch {
            if let known = failure(error) {
                Self.err(known.line)
                return known.status
            }
            return report(runError: error)
        }
    }

    /// Help and version go to stdout with status 0; anything else is a usage error on stderr, status 2.
    private func report(parseError error: any Error) -> Int32 {
        let message = Root.fullMessage(for: error)
        if Root.exitCode(for: error) == .success {
            Self.out(message)
            return ExitStatus.success
        }
        Self.err(message)
        return ExitStatus.usage
    }

    /// Errors thrown while running that ``failure`` does not know: the parser's own (`help`, a
    /// command's `--help`, a validation, `ExitCode`) are reported as the parser would; anything
    /// else is one line with status 1.
    private func report(runError error: any Error) -> Int32 {
        let code = Root.exitCode(for: error)
        let message = Root.fullMessage(for: error)
        if code == .success {
            if !message.isEmpty { Self.out(message) }
            return ExitStatus.success
        }
        if code == .validationFailure {
            Self.err(message)
            return ExitStatus.usage
        }
        if let exit = error as? ExitCode { return exit.rawValue }
        Self.err(line(message.isEmpty ? String(describing: error) : message))
        return ExitStatus.user
    }

    /// `text` and a newline on stdout, unbuffered.
    static func out(_ text: String) {
        try? FileHandle.standardOutput.write(contentsOf: Data((text + "\n").utf8))
    }

    /// `text` and a newline on stderr, unbuffered.
    static func err(_ text: String) {
        try? FileHandle.standardError.write(contentsOf: Data((text + "\n").utf8))
    }
}
