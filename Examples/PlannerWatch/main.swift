// An app that embeds PlanSync's headless library (docs/library.md): a department's dashboard
// keeps its own replica, shows the live projects, and refreshes as a sync applies the work of
// another department. It runs a throwaway daemon on loopback so it needs nothing else; a real
// app points its replica at the company's plansyncd instead.
//
//     swift run planner-example      # exits 0 once the dashboard saw the remote project
import Foundation
import GRDB
import Logging
import Planning
import SyncClient
import SyncModel
import SyncServer
import SyncStore

let folder = FileManager.default.temporaryDirectory.appendingPathComponent("planner-example-\(UUID().uuidString)")
try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
defer { try? FileManager.default.removeItem(at: folder) }

// The daemon, as `plansyncd serve` runs it.
let log = try ServerLog(path: folder.appendingPathComponent("server.sqlite").path, schema: PlanningSchema.schema)
var quiet = Logger(label: "plansyncd")
quiet.logLevel = .warning
let daemon = SyncDaemon(storage: log, configuration: SyncDaemon.Configuration(schema: PlanningSchema.schema, host: "127.0.0.1", port: 0),
                        logger: quiet)
let port = try await daemon.start()

/// A department's replica, as `plansync init --node … --department … --server … --token …` makes it.
func replica(_ node: String, _ department: String) throws -> ReplicaStore {
    let identity = ReplicaIdentity(node: node, department: department, server: "127.0.0.1:\(port)",
                                   token: try log.addToken(department: department))
    return try ReplicaStore.create(at: folder.appendingPathComponent("\(node).sqlite").path, identity: identity, schema: PlanningSchema.schema)
}

func sync(_ store: ReplicaStore) async throws -> SyncSummary {
    try await SyncClient(replica: store, schemaVersion: PlanningSchema.version, options: SyncClientOptions()).sync()
}

let dashboard = try replica("sales-dashboard", "sales")
let planning = try replica("planning-laptop", "planning")

// The dashboard observes its replica's readable table: every local write and every applied
// sync batch reaches it when it commits.
let projects = ValueObservation.tracking { db in
    try String.fetchAll(db, sql: "SELECT name FROM projects WHERE _deleted = 0 ORDER BY name")
}.removeDuplicates()
let sawRemote = Task {
    for try await names in projects.values(in: dashboard.reader) {
        print("dashboard shows: \(names.isEmpty ? "(no projects)" : names.joined(separator: ", "))")
        if names.contains("2027 春季市场推广") { return true }
    }
    return false
}

// Planning enters a project offline, then syncs; the dashboard syncs and its view refreshes.
_ = try planning.create("projects", fields: ["name": .text("2027 春季市场推广"), "status": .text("planning")])
print("planning pushed \(try await sync(planning).pushed) ops")
print("dashboard received \(try await sync(dashboard).applied) ops")

let timeout = Task {
    try await Task.sleep(for: .seconds(10))
    sawRemote.cancel()
}
let seen = (try? await sawRemote.value) ?? false
timeout.cancel()
await daemon.shutdown()
guard seen else {
    FileHandle.standardError.write(Data("planner-example: the dashboard never saw the remote project\n".utf8))
    exit(1)
}
print("planner-example: the dashboard saw the remote change")
