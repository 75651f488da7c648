import ArgumentParser
import Foundation
import Planning
import SyncClient
import SyncStore

/// `sync [--server HOST:PORT] [--token T] [--remember] [--watch] [--no-compression]`: pushes this replica's unsent
/// ops, pulls everyone else's, and reports what happened. `--watch` stays connected and applies
/// changes as they come until Ctrl-C. Unreachable daemon or refusal: exit 3 naming the reason.
struct Sync: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Exchange ops with the sync daemon.")

    @OptionGroup var replica: ReplicaOptions

    @Option(help: ArgumentHelp("Use this daemon instead of the replica's.", valueName: "host:port"))
    var server: String?

    @Option(help: ArgumentHelp("Use this token instead of the replica's.", valueName: "token"))
    var token: String?

    @Flag(help: "After a sync that worked, store --server and --token in the replica for next time.")
    var remember = false

    @Flag(help: "Stay connected and apply changes live until interrupted.")
    var watch = false

    @Flag(help: "Do not ask the daemon for deflate compression (it is asked for by default; a daemon without it answers plain anyway).")
    var noCompression = false

    func run() async throws {
        let store = try ReplicaAccess.open(replica)
        try store.checkWritable()
        // Held until this process ends: no rekey or discard renumbers the outbox under a push.
        let lock = try ReplicaLock(replica: replica.path, exclusive: false, for: "sync")
        defer { withExtendedLifetime(lock) {} }
        var options = SyncClientOptions(server: try server.map { text throws(SyncClientError) in try ServerAddress(parsing: text) }, token: token)
        if let token { try TokenText.validate(token) }
        options.logger = Quiet.logger
        if noCompression { options.compression = [] }
        let progress = ProgressLine(enabled: Console.stdoutIsTerminal && !watch)
        let remembered = rememberedSettings(options)
        let rememberOnConnect = watch ? remembered : nil
        options.onEvent = { event in
            // watch never returns a summary: it remembers once a session has opened with the overrides.
            if let rememberOnConnect, case .connected = event {
                do { try rememberOnConnect.store(in: store) } catch {
                    Console.err("plansync: warning: could not remember --server/--token: \(CLIError.from(error)?.message ?? "\(error)")")
                }
            }
            SyncReport.event(event, progress: progress)
        }
        // The local records keep their window (plansync compact); trimming never blocks a sync.
        do { try store.trimHistory() } catch {
            Console.err("plansync: warning: could not trim the op record and conflict history: \(CLIError.from(error)?.message ?? "\(error)")")
        }
        let client = SyncClient(replica: store, schemaVersion: PlanningSchema.version, options: options)
        if watch {
            try await WatchRun.run(client)
            return
        }
        let summary: SyncSummary
        do { summary = try await client.sync() } catch {
            progress.finish()
            throw error
        }
        progress.finish()
        try remembered?.store(in: store)
        Console.out(SyncReport.summary(summary, status: try store.status()))
    }

    /// The overrides `--remember` keeps (after a sync that worked with them), nil when there is
    /// nothing to keep.
    private func rememberedSettings(_ options: SyncClientOptions) -> RememberedSettings? {
        guard remember, server != nil || token != nil else { return nil }
        return RememberedSettings(server: options.server?.description, token: token)
    }
}

/// `--server` and `--token` overrides to store in the replica once a sync worked with them; nil
/// members keep what the replica has.
struct RememberedSettings: Sendable {
    let server: String?
    let token: String?

    func store(in store: ReplicaStore) throws {
        let identity = try store.identity()
        try store.setServer(server ?? identity.server, token: token ?? identity.token)
    }
}
