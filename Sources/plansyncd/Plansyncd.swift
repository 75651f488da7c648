import ArgumentParser
import CommandRunner
import Foundation

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

    /// Runs the command line with the exit codes above (``CommandRunner/CommandRunner``).
    static func main() async {
        await CommandRunner(Plansyncd.self, name: "plansyncd") { error in
            (error as? UserError).map { CommandFailure(line: "plansyncd: \($0.message)", status: ExitStatus.user) }
        }.main()
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
