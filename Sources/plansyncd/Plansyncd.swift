import ArgumentParser
import CommandRunner
import Foundation
import Planning
import SyncPostgres
import SyncStore

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

/// `--data PATH` or `--postgres URL`: where the daemon keeps its log and tokens (the SQLite file
/// `plansync-server.sqlite` when neither is given).
struct DataOption: ParsableArguments {
    @Option(name: .customLong("data"), help: ArgumentHelp("The daemon's SQLite file (created when missing; default plansync-server.sqlite).", valueName: "path"))
    var dataPath: String?

    @Option(help: ArgumentHelp("Keep the log and tokens in PostgreSQL instead of a file (postgres://USER@HOST:PORT/DATABASE).", valueName: "url"))
    var postgres: String?

    /// The SQLite file's path.
    var data: String { dataPath ?? "plansync-server.sqlite" }

    /// The backend asked for. Throws when both options are given, or the URL does not parse.
    func backend() throws(UserError) -> StorageBackend {
        guard let postgres else { return .sqlite(path: data) }
        guard dataPath == nil else { throw UserError("--data and --postgres exclude each other: give one") }
        do { return .postgres(try PostgresURL(postgres)) } catch { throw UserError("--postgres: \(error)") }
    }

    /// The SQLite file, for a command that has no PostgreSQL form yet (`compact`, `hash`).
    func sqliteOnly(_ command: String) throws(UserError) -> String {
        guard postgres == nil else { throw UserError("plansyncd \(command) does not work with --postgres yet; it works on a SQLite daemon file only") }
        return data
    }

    /// The existing SQLite file opened, for a command that reads or folds a log and has no
    /// PostgreSQL form yet (`compact`, `hash`): a mistyped path is an error, never a new empty file.
    func existingFile(_ command: String) throws(UserError) -> ServerLog {
        try DataOption.file(at: try sqliteOnly(command), creating: false)
    }

    /// The SQLite daemon file at `path`, opened; unless `creating`, a missing file is a one-line
    /// error rather than a new empty file (a mistyped path must leave nothing behind).
    static func file(at path: String, creating: Bool) throws(UserError) -> ServerLog {
        guard creating || FileManager.default.fileExists(atPath: path) else {
            throw UserError("no daemon file at \(path); plansyncd token add or plansyncd serve creates it")
        }
        do { return try ServerLog(path: path, schema: PlanningSchema.schema) } catch { throw UserError("cannot open \(path): \(error)") }
    }
}

/// Where the daemon's log lives.
enum StorageBackend {
    case sqlite(path: String)
    case postgres(PostgresURL)
}
