import Foundation
import Testing

/// `sync --watch` run as a service would run it: output to a file or a pipe, stopped by a signal.
@Suite struct WatchTests {
    /// Each line reaches stdout when it is printed, not when the process ends: a log or a pipe
    /// following `sync --watch` sees what it does while it runs.
    @Test func watchLinesReachARedirectedStdoutAtOnce() async throws {
        let ws = try Workspace()
        let daemon = try await TestDaemon(in: ws.folder)
        let token = try daemon.token(for: "sales")
        for name in ["a", "b"] {
            try ws.ok(name, "init", "--node", "\(name)-laptop", "--department", "sales", "--server", daemon.address, "--token", token)
        }
        let watch = try ws.binary.start(["--replica", "a.sqlite", "sync", "--watch"], in: ws.folder)
        let started = watch.wait(upTo: 20) { $0.stdoutSoFar.contains("watching for changes") }
        if started {
            try ws.ok("b", "put", "projects", "name=x")
            try ws.ok("b", "sync")
        }
        let received = started && watch.wait(upTo: 20) { $0.stdoutSoFar.contains("received 2 ops") }
        watch.interrupt()
        let result = try watch.finish()
        #expect(started, "the first line is visible while watch runs: \(result.stdout)")
        #expect(received, "a live batch is reported while watch runs: \(result.stdout)")
        #expect(result.status == 0 && result.stdout.hasSuffix("stopped\n"), "\(result.status) \(result.stderr)")
        await daemon.stop()
    }
}
