import Foundation
import Testing

/// Runs a built executable (`plansync`, `plansyncd`) the way a user does, capturing exit status and output.
///
/// The binary is looked up next to the test bundle (SwiftPM puts every product of the build in
/// one folder), then in `.build/debug` of the package; `$PLANSYNC` overrides both.
struct PlanSyncBinary: Sendable {
    /// What one invocation did.
    struct Result: Sendable {
        var status: Int32
        var stdout: String
        var stderr: String
        /// Lines of stderr, without the final empty one.
        var errorLines: [String] { stderr.split(separator: "\n", omittingEmptySubsequences: false).map(String.init).filter { !$0.isEmpty } }
        /// stdout without its final newline.
        var output: String { stdout.hasSuffix("\n") ? String(stdout.dropLast()) : stdout }
    }

    let url: URL
    /// A command that runs the binary, e.g. `setpriv --reuid=nobody …`; empty to run it directly.
    var launcher: [String] = []

    /// The binary (`plansync`, or another product such as `plansyncd`), or a test failure naming
    /// where it was looked for. `$PLANSYNC` / `$PLANSYNCD` override the lookup.
    static func locate(_ product: String = "plansync") throws -> PlanSyncBinary {
        var candidates: [URL] = []
        if let env = ProcessInfo.processInfo.environment[product.uppercased()], !env.isEmpty { candidates.append(URL(fileURLWithPath: env)) }
        let runner = URL(fileURLWithPath: CommandLine.arguments.first ?? "")
        candidates.append(runner.deletingLastPathComponent().appendingPathComponent(product))
        for bundle in Bundle.allBundles where bundle.bundlePath.hasSuffix(".xctest") {
            candidates.append(bundle.bundleURL.deletingLastPathComponent().appendingPathComponent(product))
        }
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
        candidates.append(root.appendingPathComponent(".build/debug/\(product)"))
        guard let found = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0.path) }) else {
            throw LookupError(candidates: candidates.map(\.path))
        }
        return PlanSyncBinary(url: found)
    }

    struct LookupError: Error, CustomStringConvertible {
        let candidates: [String]
        var description: String { "binary not found (swift build first); looked in: " + candidates.joined(separator: ", ") }
    }

    /// Runs `plansync ARGUMENTS` to its end with `$PLANSYNC_REPLICA` unset, output captured through
    /// files so that large output cannot block the child.
    func run(_ arguments: [String], in folder: URL) throws -> Result {
        try start(arguments, in: folder).finish()
    }

    /// Starts `plansync ARGUMENTS` (e.g. `sync --watch`) and returns while it runs.
    func start(_ arguments: [String], in folder: URL) throws -> Running {
        let process = Process()
        if let command = launcher.first {
            process.executableURL = URL(fileURLWithPath: command)
            process.arguments = Array(launcher.dropFirst()) + [url.path] + arguments
        } else {
            process.executableURL = url
            process.arguments = arguments
        }
        process.currentDirectoryURL = folder
        var environment = ProcessInfo.processInfo.environment
        environment.removeValue(forKey: "PLANSYNC_REPLICA")
        process.environment = environment
        let id = UUID().uuidString
        let running = Running(process: process, outURL: folder.appendingPathComponent(".out-\(id)"), errURL: folder.appendingPathComponent(".err-\(id)"))
        _ = FileManager.default.createFile(atPath: running.outURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: running.errURL.path, contents: nil)
        process.standardOutput = try FileHandle(forWritingTo: running.outURL)
        process.standardError = try FileHandle(forWritingTo: running.errURL)
        process.standardInput = FileHandle.nullDevice
        try process.run()
        return running
    }

    /// A started child process whose stdout and stderr go to files in the workspace.
    struct Running {
        let process: Process
        let outURL: URL
        let errURL: URL

        /// What the child has written to stdout so far (what reached the file, not its buffers).
        var stdoutSoFar: String { String(decoding: (try? Data(contentsOf: outURL)) ?? Data(), as: UTF8.self) }
        /// What the child has written to stderr so far.
        var stderrSoFar: String { String(decoding: (try? Data(contentsOf: errURL)) ?? Data(), as: UTF8.self) }

        /// Polls until `condition` holds or `seconds` pass, or the child exits; whether it held.
        func wait(upTo seconds: TimeInterval, until condition: (Running) -> Bool) -> Bool {
            let deadline = Date().addingTimeInterval(seconds)
            while Date() < deadline {
                if condition(self) { return true }
                if !process.isRunning { return condition(self) }
                Thread.sleep(forTimeInterval: 0.05)
            }
            return condition(self)
        }

        /// Sends SIGINT, as Ctrl-C does.
        func interrupt() { process.interrupt() }

        /// Waits for the child to exit and returns what it did; removes the output files.
        func finish() throws -> Result {
            process.waitUntilExit()
            defer {
                try? FileManager.default.removeItem(at: outURL)
                try? FileManager.default.removeItem(at: errURL)
            }
            return Result(status: process.terminationStatus, stdout: stdoutSoFar, stderr: stderrSoFar)
        }
    }
}
