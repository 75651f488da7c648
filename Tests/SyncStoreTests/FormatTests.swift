import Foundation
import GRDB
import Planning
@testable import SyncStore
import SyncModel
import Testing

@Suite struct FormatTests {
    let dir: TempDir

    init() throws { dir = try TempDir() }

    @Test func replicaIsWALWithATablePerCollection() throws {
        defer { dir.cleanup() }
        let store = try ReplicaStore.create(at: dir.path("p.sqlite"), identity: ReplicaIdentity(node: "n", department: "planning"), schema: PlanningSchema.schema)
        #expect(try store.pragma("journal_mode") == "wal")
        let id = try store.create("projects", fields: ["name": .text("春季推广"), "status": .text("active")])
        let shown = try #require(try store.shownColumns("projects", id: id))
        #expect(shown["name"] == .text("春季推广") && shown["status"] == .text("active") && shown[Op.deletedField] == .integer(0))
        let dump = try store.contentDump()
        for collection in PlanningSchema.schema.collections {
            #expect(dump.contains("# \(collection.name)\n"))
            #expect(Set(try #require(try store.shownColumns("projects", id: id)).keys).isSuperset(of: PlanningSchema.schema.collection("projects")!.fields.map(\.name)))
        }
        #expect(try store.pragma("synchronous") == "2")  // FULL: a local write survives power loss
        let server = try ServerLog(path: dir.path("s.sqlite"), schema: PlanningSchema.schema)
        #expect(try server.replica.pragma("journal_mode") == "wal")
        #expect(try server.replica.pragma("synchronous") == "2")  // FULL
    }

    @Test func createRefusesAnExistingFile() throws {
        defer { dir.cleanup() }
        let path = dir.path("r.sqlite")
        _ = try ReplicaStore.create(at: path, identity: ReplicaIdentity(node: "n", department: "d"), schema: TestSchema.schema)
        #expect(throws: StoreError.alreadyExists(path)) {
            try ReplicaStore.create(at: path, identity: ReplicaIdentity(node: "m", department: "d"), schema: TestSchema.schema)
        }
        #expect(try ReplicaStore(opening: path, schema: TestSchema.schema).identity().node == "n")
    }

    @Test func createRefusesABadIdentity() throws {
        defer { dir.cleanup() }
        #expect(throws: StoreError.self) {
            try ReplicaStore.create(at: dir.path("a.sqlite"), identity: ReplicaIdentity(node: "bad node", department: "d"), schema: TestSchema.schema)
        }
        #expect(throws: StoreError.self) {
            try ReplicaStore.create(at: dir.path("b.sqlite"), identity: ReplicaIdentity(node: "n", department: ""), schema: TestSchema.schema)
        }
        #expect(!FileManager.default.fileExists(atPath: dir.path("a.sqlite")) && !FileManager.default.fileExists(atPath: dir.path("b.sqlite")))
    }

    @Test func openingAMissingFileCreatesNothing() throws {
        defer { dir.cleanup() }
        let path = dir.path("missing.sqlite")
        #expect(throws: StoreError.noSuchFile(path)) { try ReplicaStore(opening: path, schema: TestSchema.schema) }
        #expect(!FileManager.default.fileExists(atPath: path))
    }

    @Test(arguments: ["", "hello, not a database\n"])
    func openingAForeignFileIsRefusedAndLeavesItAlone(content: String) throws {
        defer { dir.cleanup() }
        let path = dir.path("foreign")
        try Data(content.utf8).write(to: URL(fileURLWithPath: path))
        do {
            _ = try ReplicaStore(opening: path, schema: TestSchema.schema)
            Issue.record("a foreign file was opened")
        } catch StoreError.notAReplica(let p, _) {
            #expect(p == path)
        }
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == Data(content.utf8))
        #expect(throws: StoreError.self) { try ServerLog(path: path, schema: TestSchema.schema) }
    }

    @Test func applyingTheSameBatchTwiceChangesNothing() throws {
        defer { dir.cleanup() }
        let store = try ReplicaStore.create(at: dir.path("r.sqlite"), identity: ReplicaIdentity(node: "n", department: "d"), schema: TestSchema.schema)
        let batch = [
            OpBuilder.set(collection: "projects", row: "p", field: Op.deletedField, value: .bool(false), current: nil, stamp: stamp("a", 1)),
            OpBuilder.inc(collection: "projects", row: "p", field: "spent", delta: 7, stamp: stamp("a", 2)),
            OpBuilder.add(collection: "projects", row: "p", field: "channels", element: "tv", stamp: stamp("a", 3)),
        ]
        try store.applyRemote(batch, cursor: 3)
        let hash = try store.stateHash()
        try store.applyRemote(batch, cursor: 3)
        #expect(try store.stateHash() == hash)
        #expect(try store.row("projects", id: "p")?.fields["spent"] == .counter(7))
        #expect(try store.status().opsApplied == 3 && store.cursor() == 3)
        #expect(try store.recentOps(limit: 10).count == 3)
    }

    @Test func ownOpsComingBackAreSkipped() throws {
        defer { dir.cleanup() }
        let store = try ReplicaStore.create(at: dir.path("r.sqlite"), identity: ReplicaIdentity(node: "n", department: "d"), schema: TestSchema.schema)
        let id = try store.create("projects", fields: [:])
        try store.increment("projects", id: id, field: "spent", by: 5)
        var back = try store.outbox(limit: 10)
        for i in back.indices { back[i].department = "d"; back[i].log = UInt64(i + 1) }
        try store.applyRemote(back, cursor: 2)
        #expect(try store.row("projects", id: id)?.fields["spent"] == .counter(5))
        #expect(try store.outboxCount() == 2)  // only acknowledge() empties the outbox
        #expect(try store.cursor() == 2)
    }

    @Test func remoteOpsOfThisNodeMoveTheSeqPastThem() throws {
        defer { dir.cleanup() }
        // A replica restored from an old copy receives its own later ops from the server.
        let store = try ReplicaStore.create(at: dir.path("r.sqlite"), identity: ReplicaIdentity(node: "n", department: "d"), schema: TestSchema.schema)
        let own = [OpBuilder.set(collection: "projects", row: "p", field: Op.deletedField, value: .bool(false), current: nil, stamp: stamp("n", 1)),
                   OpBuilder.set(collection: "projects", row: "p", field: "name", value: .text("x"), current: nil, stamp: stamp("n", 2))]
        try store.applyRemote(own, cursor: 2)
        try store.update("projects", id: "p", fields: ["name": .text("y")])
        #expect(try store.outbox(limit: 10).map(\.seq) == [3])
    }

    @Test func observeAdvancesTheClockAndRefusesSkew() throws {
        defer { dir.cleanup() }
        let store = try ReplicaStore.create(at: dir.path("r.sqlite"), identity: ReplicaIdentity(node: "n", department: "d"), schema: TestSchema.schema)
        let ahead = HLCTimestamp(raw: (IdentityRecordClock.now + 60_000) << 16)
        try store.observe(serverTime: ahead)
        try store.create("projects", fields: [:])
        #expect(try #require(try store.outbox(limit: 1).first).hlc > ahead)
        let far = HLCTimestamp(raw: (IdentityRecordClock.now + 3_600_000) << 16)
        do {
            try store.observe(serverTime: far)
            Issue.record("a clock an hour ahead was accepted")
        } catch let error as HLCError {
            guard case .clockSkew = error else { Issue.record("\(error)"); return }
        }
    }
}

@Suite struct OpRecordTests {
    /// Up to ``OpRecord/kept`` + ``OpRecord/trimStep`` ops stay; one more batch drops the record
    /// to the newest ``OpRecord/kept``.
    @Test func recentOpsSpanBatchesAndKeepTheNewestFiveThousand() throws {
        let dir = try TempDir()
        defer { dir.cleanup() }
        let store = try ReplicaStore.create(at: dir.path("r.sqlite"), identity: ReplicaIdentity(node: "n", department: "d"), schema: TestSchema.schema)
        var seq: UInt64 = 0
        for batch in 0..<13 {
            if batch == 12 {
                // 6,000 ops: within the trim step, all kept.
                #expect(try store.recentOps(limit: 100_000).count == 6_000)
            }
            var ops: [Op] = []
            for _ in 0..<500 {
                seq += 1
                var op = OpBuilder.inc(collection: "projects", row: "p", field: "spent", delta: 1, stamp: stamp("a", seq))
                op.department = "finance"
                op.log = seq
                ops.append(op)
            }
            try store.applyRemote(ops, cursor: UInt64(batch + 1) * 500)
        }
        let recent = try store.recentOps(limit: 100_000)
        #expect(recent.count == Int(OpRecord.kept))
        #expect(recent.first?.op.seq == 6_500 && recent.last?.op.seq == 1_501)
        #expect(recent.map(\.position) == (1_501...6_500).reversed().map(Int64.init))
        #expect(recent.allSatisfy { $0.origin == .remote && $0.department == "finance" && $0.log == $0.op.seq })
        try store.create("projects", id: "q", fields: [:])
        let newest = try store.recentOps(limit: 3)
        #expect(newest.map(\.origin) == [.local, .remote, .remote] && newest.map(\.position) == [6_501, 6_500, 6_499])
        #expect(newest[0].department == "d")
    }

    /// A remote batch's entry is long, so it is stored deflated; a local edit's stays text. Every
    /// reader of the record (`log`, the lookup of one op, dropping a collection) sees the same ops
    /// either way.
    @Test func aLongEntryIsStoredDeflatedAndReadsBackTheSame() throws {
        let dir = try TempDir()
        defer { dir.cleanup() }
        let store = try ReplicaStore.create(at: dir.path("r.sqlite"), identity: ReplicaIdentity(node: "n", department: "d"), schema: TestSchema.schema)
        var ops: [Op] = []
        for seq in UInt64(1)...300 {
            var op = seq % 2 == 0
                ? OpBuilder.inc(collection: "projects", row: "p\(seq)", field: "spent", delta: Int64(seq), stamp: stamp("a", seq))
                : OpBuilder.set(collection: "departments", row: "d\(seq)", field: "name", value: .text("Abteilung \(seq) — Ré"), current: nil, stamp: stamp("a", seq))
            op.department = "finance"
            op.log = seq
            ops.append(op)
        }
        try store.applyRemote(ops, cursor: 300)
        try store.create("projects", id: "local", fields: ["name": .text("short")])
        let stored = try store.read { db in
            try Row.fetchAll(db, sql: "SELECT ops, ops_deflate FROM ps_op_record ORDER BY entry").map {
                (text: try $0.decode(String.self, atIndex: 0), blob: try $0.decode(Data?.self, atIndex: 1))
            }
        }
        #expect(stored.count == 2)
        #expect(stored[0].text.isEmpty && (stored[0].blob?.count ?? .max) < OpRecordText.deflateFrom)
        #expect(stored[1].blob == nil && stored[1].text.contains("\"row\":\"local\""))
        let recent = try store.recentOps(limit: 1_000)
        // The create is two local ops (`_deleted`, `name`), newest first.
        #expect(recent.count == 302)
        #expect(recent.dropFirst(2).map(\.op) == ops.reversed())
        let found = try store.read { db in try OpRecord.find(db, Dot(node: "a", seq: 151)) }
        #expect(found == ops[150])
        // Dropping a collection rewrites the deflated entry with the other collection's ops only.
        try store.write { db in try OpRecord.drop(db, collection: "departments") }
        let left = try store.recentOps(limit: 1_000)
        #expect(left.dropFirst(2).map(\.op) == ops.filter { $0.collection == "projects" }.reversed())
    }

    /// A replica that applied one remote batch of 200 incs of `projects` `p`: one deflated entry.
    private func storeWithOneDeflatedEntry(_ dir: TempDir) throws -> ReplicaStore {
        let store = try ReplicaStore.create(at: dir.path("r.sqlite"), identity: ReplicaIdentity(node: "n", department: "d"), schema: TestSchema.schema)
        try store.applyRemote((UInt64(1)...200).map { seq in
            OpBuilder.inc(collection: "projects", row: "p", field: "spent", delta: 1, stamp: stamp("a", seq))
        }, cursor: 200)
        return store
    }

    @Test func aDamagedDeflatedEntryIsReportedAsCorrupt() throws {
        let dir = try TempDir()
        defer { dir.cleanup() }
        let store = try storeWithOneDeflatedEntry(dir)
        let whole = try store.read { db in try #require(try Data.fetchOne(db, sql: "SELECT ops_deflate FROM ps_op_record")) }
        #expect(try store.recentOps(limit: 1_000).count == 200)
        try store.write { db in try db.execute(sql: "UPDATE ps_op_record SET ops_deflate = x'00ff10'") }
        #expect(throws: StoreError.self) { try store.recentOps(limit: 10) }
        // zlib inflates a stream cut short to a shorter text without an error: whatever the cut,
        // `log` either refuses or lists every op, never fewer.
        for cut in 1..<whole.count {
            try store.write { db in try db.execute(sql: "UPDATE ps_op_record SET ops_deflate = ?", arguments: [whole.prefix(cut)]) }
            let listed = try? store.recentOps(limit: 1_000).count
            #expect(listed == nil || listed == 200, "cut at \(cut) of \(whole.count) bytes")
        }
        // The state is untouched: only the record's entry is unreadable.
        #expect(try store.rows("projects").count == 1)
    }

    /// A damaged entry is display history only: `rekey` drops it instead of failing (it could not
    /// rewrite it), lookups pass over it, and `log` works again once it is gone.
    @Test func aDamagedEntryDoesNotBlockRekeyOrLookups() throws {
        let dir = try TempDir()
        defer { dir.cleanup() }
        let store = try storeWithOneDeflatedEntry(dir)
        try store.increment("projects", id: "p", field: "spent", by: 5)       // an own op, queued
        try store.write { db in try db.execute(sql: "UPDATE ps_op_record SET ops_deflate = x'00ff10' WHERE ops_deflate IS NOT NULL") }
        #expect(throws: StoreError.self) { try store.recentOps(limit: 10) }
        #expect(try store.read { db in try OpRecord.find(db, Dot(node: "a", seq: 7)) } == nil)
        #expect(try store.read { db in try OpRecord.find(db, Dot(node: "n", seq: 1)) }?.delta == 5)

        let rekeyed = try store.rekey(to: "m")
        #expect(rekeyed.moved == 1)
        let left = try store.recentOps(limit: 1_000)
        #expect(left.map(\.op.dot) == [Dot(node: "m", seq: 1)])
        #expect(try store.row("projects", id: "p")?.fields["spent"] == .counter(205))
    }

    @Test func editOnDeletedNamesTheEditFromTheRecord() throws {
        let dir = try TempDir()
        defer { dir.cleanup() }
        let store = try ReplicaStore.create(at: dir.path("r.sqlite"), identity: ReplicaIdentity(node: "n", department: "d"), schema: TestSchema.schema)
        try store.create("projects", id: "p", fields: [:])
        try store.delete("projects", id: "p")
        var edit = OpBuilder.inc(collection: "projects", row: "p", field: "spent", delta: 3, stamp: stamp("other", 1))
        edit.department = "finance"
        try store.applyRemote([edit], cursor: 1)
        let conflict = try #require(try store.openConflicts().first)
        #expect(conflict.kind == .editOnDeleted)
        #expect(conflict.values[1].dot == edit.dot && conflict.values[1].hlc == edit.hlc && conflict.values[1].department == "finance")
    }
}

@Suite struct ReopenTests {
    /// A file from before the migrations v8 and v9 (the op record's end index, no
    /// `ps_applied.hlc`) opens migrated: the index gone, the column there, and its clock, held in
    /// `ps_identity` alone until then, still ahead of every op it applied.
    @Test func aFileFromBeforeTheOpRecordAndClockMigrationsOpensMigrated() throws {
        let dir = try TempDir()
        defer { dir.cleanup() }
        let path = dir.path("old.sqlite")
        let ahead = IdentityRecord.wallMilliseconds() + 3_600_000
        do {
            let store = try ReplicaStore.create(at: path, identity: ReplicaIdentity(node: "n", department: "d"), schema: TestSchema.schema)
            var remote = OpBuilder.inc(collection: "projects", row: "p", field: "spent", delta: 1, stamp: stamp("a", 1, ahead))
            remote.department = "finance"
            remote.log = 1
            try store.applyRemote([remote], cursor: 1)
            // As a build before v9 left it: the receive rule wrote the clock into ps_identity.
            try store.write { db in
                try db.execute(sql: """
                    UPDATE ps_identity SET hlc = (SELECT hlc FROM ps_applied WHERE node = 'a');
                    ALTER TABLE ps_applied DROP COLUMN hlc;
                    CREATE INDEX ps_op_record_end ON ps_op_record (first_position + count);
                    DELETE FROM grdb_migrations WHERE identifier IN ('v8-op-record-trim-by-entry', 'v9-applied-hlc');
                    """)
            }
        }
        let reopened = try ReplicaStore(opening: path, schema: TestSchema.schema)
        let indexes = try reopened.read { db in try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'index' AND name = 'ps_op_record_end'") }
        #expect(indexes.isEmpty)
        #expect(try reopened.read { db in try String.fetchOne(db, sql: "SELECT hlc FROM ps_applied WHERE node = 'a'") } == nil)
        try reopened.create("projects", id: "q", fields: [:])
        let local = try #require(try reopened.outbox(limit: 1).first)
        #expect(local.hlc.milliseconds == ahead)
    }

    /// A file a newer build migrated is refused, unchanged, naming what it does not know; an
    /// unknown readable-table migration is left to the schema version check.
    @Test func aFileANewerBuildChangedIsRefusedUnchanged() throws {
        let dir = try TempDir()
        defer { dir.cleanup() }
        let path = dir.path("newer.sqlite")
        do {
            let store = try ReplicaStore.create(at: path, identity: ReplicaIdentity(node: "n", department: "d"), schema: TestSchema.schema)
            try store.create("projects", id: "p", fields: [:])
            try store.write { db in try db.execute(sql: "INSERT INTO grdb_migrations (identifier) VALUES ('collections-v0')") }
        }
        _ = try ReplicaStore(opening: path, schema: TestSchema.schema)
        do {
            let store = try ReplicaStore(opening: path, schema: TestSchema.schema)
            try store.write { db in try db.execute(sql: "INSERT INTO grdb_migrations (identifier) VALUES ('v99-future')") }
        }
        let before = try Data(contentsOf: URL(fileURLWithPath: path))
        #expect {
            _ = try ReplicaStore(opening: path, schema: TestSchema.schema)
        } throws: { error in
            guard case StoreError.notAReplica(_, let reason) = error else { return false }
            return reason.contains("newer PlanSync") && reason.contains("v99-future")
        }
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == before)
    }

    @Test func aClosedReplicaOpensAgain() throws {
        let dir = try TempDir()
        defer { dir.cleanup() }
        let path = dir.path("r.sqlite")
        var hash = ""
        do {
            let store = try ReplicaStore.create(at: path, identity: ReplicaIdentity(node: "n", department: "d"), schema: TestSchema.schema)
            try store.create("projects", id: "p", fields: ["name": .text("a")])
            hash = try store.stateHash()
        }
        #expect(!FileManager.default.fileExists(atPath: path + "-wal"), "the pool was not closed")
        let reopened = try ReplicaStore(opening: path, schema: TestSchema.schema)
        #expect(try reopened.stateHash() == hash)
        try reopened.update("projects", id: "p", fields: ["name": .text("b")])
        #expect(try reopened.row("projects", id: "p")?.fields["name"] == .value(.text("b")))
    }
}

/// Opening a replica that needs no migration writes nothing, so read commands work on a file the
/// user may only read and while another process holds the write lock.
@Suite struct ReadOnlyOpenTests {
    @Test func openingAnUpToDateReplicaWaitsForNoWriter() throws {
        let dir = try TempDir()
        defer { dir.cleanup() }
        let path = dir.path("r.sqlite")
        let store = try ReplicaStore.create(at: path, identity: ReplicaIdentity(node: "n", department: "d"), schema: TestSchema.schema)
        try store.create("projects", id: "p", fields: ["name": .text("a")])
        let hash = try store.stateHash()
        // A writer in the middle of a transaction, as a sync applying a big batch or the daemon committing.
        let seen = try store.write { _ in try ReplicaStore(opening: path, schema: TestSchema.schema).stateHash() }
        #expect(seen == hash)
    }
}

/// History of a conflict opened and closed within one remote batch.
@Suite struct BatchHistoryTests {
    @Test func aCoveringDeleteInTheSameBatchNamesTheEditInTheHistory() throws {
        let dir = try TempDir()
        defer { dir.cleanup() }
        let store = try ReplicaStore.create(at: dir.path("r.sqlite"), identity: ReplicaIdentity(node: "n", department: "d"), schema: TestSchema.schema)
        try store.create("projects", id: "p", fields: [:])
        try store.delete("projects", id: "p")
        let delete = try #require(try store.outbox(limit: 10).last)
        var edit = OpBuilder.inc(collection: "projects", row: "p", field: "spent", delta: 3, stamp: stamp("other", 1))
        edit.department = "finance"
        var redelete = OpBuilder.set(collection: "projects", row: "p", field: Op.deletedField, value: .bool(true), current: nil, stamp: stamp("third", 1))
        redelete.replaces = [delete.dot]
        redelete.context = VersionVector(["other": 1])
        try store.applyRemote([edit, redelete], cursor: 2)
        #expect(try store.openConflicts().isEmpty)
        let entry = try #require(try store.conflictHistory().first)
        #expect(entry.kind == .editOnDeleted && entry.resolvedBy == redelete.dot)
        #expect(entry.discarded.map(\.dot) == [edit.dot] && entry.discarded.map(\.hlc) == [edit.hlc] && entry.discarded.map(\.department) == ["finance"])
    }
}
