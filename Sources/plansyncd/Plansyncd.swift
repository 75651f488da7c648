import ArgumentParser
import Foundation
import SyncModel

/// `plansyncd`: the central sync daemon of PlanSync and its token administration.
///
/// Exit codes: 0 success, 1 user error (one line on stderr), 2 usage.
@main
struct Plansyncd: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plansyncd",
        abstract: "The PlanSync sync daemon: one log every department replica syncs with.",
        subcommands: [Serve.self, Token.self, Rules.self, Hash.self, Cert.self, Compact.self],
        defaultSubcommand: Serve.self
    )

    /// Runs the command line with the exit codes above (argument-parser's own usage code is 64).
    static func main() async {
        let arguments: [String]
        switch TextInput.arguments() {
        case .success(let checked): arguments = checked
        case .failure(let bad):
            FileHandle.standardError.write(Data("plansyncd: \(bad)\n".utf8))
            Foundation.exit(1)
        }
        do {
            var command = try parseAsRoot(arguments)
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch let error as UserError {
            FileHandle.standardError.write(Data("plansyncd: \(error.message)\n".utf8))
            Foundation.exit(1)
        } catch {
            let code = exitCode(for: error)
            let message = fullMessage(for: error)
            if code == .success {
                if !message.isEmpty { print(message) }
                Foundation.exit(0)
            }
            if !message.isEmpty { FileHandle.standardError.write(Data((message + "\n").utf8)) }
            Foundation.exit(code == .validationFailure ? 2 : code.rawValue)
        }
    }
}

/// A failure caused by the user's input or environment, printed as one line; exit code 1.
struct UserError: Error, CustomStringConvertible {
    let message: String

    init(_ message: String) {
        self.message = message.split(separator: "\n").first.map(String.init) ?? message
    }

    var description: String { message }
}

/// `--data`: the daemon's SQLite file.
struct DataOption: ParsableArguments {
    @Option(name: .long, help: "The daemon's SQLite file (created when missing).")
    var data = "plansync-server.sqlite"
}
