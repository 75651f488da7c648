import Foundation
import SyncClient
import SyncModel
import SyncServer
import Testing

/// Issue 10, part 7: the daemon closes a subscriber that sends nothing for its subscriber
/// timeout; a live watcher must never be taken for a frozen one, even while `changes` keep coming.
@Suite("watch keep-alive", .timeLimit(.minutes(1)))
struct WatchKeepAliveTests {
    @Test("a watcher that hears changes all the time still pings, so the daemon keeps it")
    func busyWatcherIsNotCut() async throws {
        // Generous against a loaded machine: a timeout of 8 s, pings after 500 ms, 17 s in all. (At
        // 5 s, a CI run with other work on the two cores once starved the test runner's cooperative
        // threads, where the watch task pings, long enough to be cut.)
        try await withDaemon(configure: { $0.subscriberTimeout = .seconds(8) }) { daemon in
            let watcher = daemon.replica("watcher", department: "sales")
            let writer = daemon.replica("writer", department: "planning")
            let events = EventLog()
            let options = testOptions {
                $0.onEvent = events.handler
                $0.keepAliveInterval = .milliseconds(500)
            }
            let watching = Task { try await client(watcher, options).watch() }
            defer { watching.cancel() }

            // Changes reach the watcher every ~150 ms, never 500 ms of silence (so a watcher that pings
            // only when it hears nothing never pings), for over twice the timeout.
            let row = try writer.create("risks", ["description": .text("0")])
            let start = ContinuousClock.now
            var n = 0
            while ContinuousClock.now - start < .seconds(17) {
                n += 1
                try writer.set("risks", row, "description", .text("\(n)"))
                _ = try await client(writer).sync()
                try await Task.sleep(for: .milliseconds(100))
            }
            #expect(try await eventually { try watcher.cursor() == daemon.log.head() })
            #expect(!events.all.contains { if case .disconnected = $0 { true } else { false } })
            #expect(watcher.canonicalForm() == writer.canonicalForm())
            watching.cancel()
            try await watching.value
        }
    }
}
