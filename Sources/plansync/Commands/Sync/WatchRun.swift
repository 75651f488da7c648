import Foundation
import SyncClient

/// Runs `sync --watch` until SIGINT or SIGTERM, then lets the client finish cleanly.
enum WatchRun {
    static func run(_ client: SyncClient) async throws {
        Console.out("watching for changes; press Ctrl-C to stop")
        let task = Task { try await client.watch() }
        signal(SIGINT, SIG_IGN)
        signal(SIGTERM, SIG_IGN)
        let sources = [SIGINT, SIGTERM].map { number in
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { task.cancel() }
            source.resume()
            return source
        }
        defer { sources.forEach { $0.cancel() } }
        try await task.value
        Console.out("stopped")
    }
}
