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
        try ws.ok("b", "put", "projects", "name=first")
        try ws.ok("b", "sync")
        let watch = try ws.binary.start(["--replica", "a.sqlite", "sync", "--watch"], in: ws.folder)
        let started = watch.wait(upTo: 20) { $0.stdoutSoFar.contains("watching for changes") }
        // Caught up with the first row: the watch is subscribed, so the next row arrives live.
        let subscribed = started && watch.wait(upTo: 20) { _ in (try? ws.status("a")["cursor"] as? Int) == 2 }
        if subscribed {
            try ws.ok("b", "put", "projects", "name=second")
            try ws.ok("b", "sync")
        }
        let received = subscribed && watch.wait(upTo: 20) { $0.stdoutSoFar.contains("received ") }
        watch.interrupt()
        let result = try watch.finish()
        #expect(started, "the first line is visible while watch runs: \(result.stdout)")
        #expect(subscribed, "\(result.stderr)")
        #expect(received, "a live batch is reported while watch runs: \(result.stdout)")
        #expect(result.status == 0 && result.stdout.hasSuffix("stopped\n"), "\(result.status) \(result.stderr)")
        await daemon.stop()
    }

    /// A replica behind a compacted log is bootstrapped from the snapshot before watch subscribes;
    /// watch says so on stderr when it starts, in the words plain `sync` uses.
    @Test func watchSaysWhenItBootstrapsFromTheSnapshot() async throws {
        let ws = try Workspace()
        let daemon = try await TestDaemon(in: ws.folder)
        let token = try daemon.token(for: "sales")
        for name in ["a", "plain", "watching"] {
            try ws.ok(name, "init", "--node", "\(name)-laptop", "--department", "sales", "--server", daemon.address, "--token", token)
        }
        for i in 0..<4 { try ws.ok("a", "put", "projects", "name=p\(i)") }
        try ws.ok("a", "sync")
        let compact = try PlanSyncBinary.locate("plansyncd").run(["compact", "--data", "server.sqlite", "--before", "4"], in: ws.folder)
        #expect(compact.status == 0, "\(compact.stderr)")
        let notice = "plansync: bootstrapping this replica from the daemon's snapshot at log position 3"

        let plain = try ws.on("plain", "sync")
        #expect(plain.status == 0 && plain.stderr.contains(notice), "\(plain.stderr)")
        let watch = try ws.binary.start(["--replica", "watching.sqlite", "sync", "--watch"], in: ws.folder)
        let said = watch.wait(upTo: 20) { $0.stderrSoFar.contains(notice) }
        let head = try #require(try ws.status("plain")["cursor"] as? Int)
        let caughtUp = said && watch.wait(upTo: 20) { _ in (try? ws.status("watching")["cursor"] as? Int) == head }
        watch.interrupt()
        let result = try watch.finish()
        #expect(said, "\(result.stderr)")
        #expect(caughtUp, "\(result.stderr)")
        #expect(result.status == 0, "\(result.stderr)")
        await daemon.stop()
    }

    /// `--remember` stores the overrides only once they worked, with `--watch` too: a watch that
    /// never reaches the daemon keeps the replica's own server and token; one that connects keeps
    /// the overrides.
    @Test func watchRemembersOnlyOnceItConnects() async throws {
        let ws = try Workspace()
        try ws.ok("a", "init", "--node", "a-laptop", "--department", "sales", "--server", "127.0.0.1:7420", "--token", "good")
        let port = try closedPort()
        let failing = try ws.binary.start(["--replica", "a.sqlite", "sync", "--watch", "--remember", "--server", "127.0.0.1:\(port)", "--token", "bad"], in: ws.folder)
        let retried = failing.wait(upTo: 20) { $0.stderrSoFar.contains("retrying") }
        failing.interrupt()
        let result = try failing.finish()
        #expect(retried, "\(result.stderr)")
        #expect(result.status == 0, "\(result.stderr)")
        #expect(try ws.status("a")["server"] as? String == "127.0.0.1:7420")

        let daemon = try await TestDaemon(in: ws.folder)
        let working = try ws.binary.start(["--replica", "a.sqlite", "sync", "--watch", "--remember", "--server", daemon.address,
                                           "--token", try daemon.token(for: "sales")], in: ws.folder)
        let remembered = working.wait(upTo: 20) { _ in (try? ws.status("a")["server"] as? String) == daemon.address }
        working.interrupt()
        _ = try working.finish()
        #expect(remembered)
        #expect(try ws.on("a", "sync").status == 0, "the remembered token works without overrides")
        await daemon.stop()
    }
}
