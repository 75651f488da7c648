import Crypto
import Foundation
import Planning
import SyncClient
import SyncModel
import SyncStore
import Testing

/// Convergence with access rules: departments with different read and write rules edit at
/// random, sync in random orders, and every replica ends equal to the daemon's hash for its
/// own scope.
@Suite("sync converges per scope", .timeLimit(.minutes(2)))
struct ScopedConvergenceTests {
    static let rules = AccessRules([
        .init(collection: "incentives", access: .read, departments: ["hr", "finance", "planning"]),
        .init(collection: "incentives", access: .write, departments: ["hr"]),
        .init(collection: "projects", field: "budget_planned", access: .write, departments: ["finance", "planning"]),
        .init(collection: "risks", access: .read, departments: ["planning", "marketing"]),
    ])
    static let departments = ["hr", "finance", "marketing", "planning"]

    /// A small seeded generator, so a failing seed can be replayed.
    struct Seeded: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return state >> 11 | state << 53
        }
    }

    @Test("every replica equals the daemon's hash for its department", arguments: [1, 2, 3] as [UInt64])
    func everyScopeAgrees(seed: UInt64) async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("scoped-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        var random = Seeded(state: seed)
        try await withDaemon(configure: { $0.rules = Self.rules }) { daemon in
            var replicas: [(department: String, store: ReplicaStore)] = []
            for (i, department) in Self.departments.enumerated() {
                let identity = ReplicaIdentity(node: "n\(i)-\(department)", department: department, server: daemon.address,
                                               token: daemon.log.addToken(department: department))
                replicas.append((department, try ReplicaStore.create(at: folder.appendingPathComponent("\(i).sqlite").path,
                                                                      identity: identity, schema: PlanningSchema.schema)))
            }
            func sync(_ store: ReplicaStore) async throws {
                _ = try await SyncClient(replica: store, schemaVersion: PlanningSchema.version, options: testOptions()).sync()
            }
            for r in replicas { try await sync(r.store) }   // each learns its rules
            // Marketing's laptop refuses what the rules forbid, before the outbox.
            let marketing = replicas[2].store
            #expect(throws: StoreError.self) { try marketing.create("projects", fields: ["name": .text("x"), "budget_planned": .integer(1)]) }
            #expect(throws: StoreError.self) { try marketing.create("incentives", fields: ["recipient": .text("x")]) }
            #expect(try marketing.outboxCount() == 0)

            var projects: [String] = []
            var incentives: [String] = []
            var risks: [String] = []
            for _ in 0..<6 {
                for (department, store) in replicas {
                    for _ in 0..<3 {
                        let rules = Self.rules
                        switch Int.random(in: 0..<6, using: &random) {
                        case 0:
                            projects.append(try store.create("projects", fields: ["name": .text("p\(projects.count)")]))
                        case 1 where !projects.isEmpty && rules.writeDenial(department, "projects", "budget_planned") == nil:
                            let id = projects.randomElement(using: &random)!
                            if try store.row("projects", id: id) != nil {
                                try store.update("projects", id: id, fields: ["budget_planned": .integer(Int64.random(in: 0..<1_000, using: &random))])
                            }
                        case 2 where !projects.isEmpty:
                            let id = projects.randomElement(using: &random)!
                            if try store.row("projects", id: id) != nil {
                                try store.increment("projects", id: id, field: "budget_spent", by: Int64.random(in: 1..<100, using: &random))
                                try store.add("projects", id: id, field: "channels", element: "c\(Int.random(in: 0..<4, using: &random))")
                            }
                        case 3 where rules.writeDenial(department, "incentives", "recipient") == nil:
                            incentives.append(try store.create("incentives", fields: ["recipient": .text("王五 \(incentives.count)"), "amount": .integer(500)]))
                        case 4 where rules.mayRead(department, "risks"):
                            risks.append(try store.create("risks", fields: ["description": .text("r\(risks.count)")]))
                        case 5 where !risks.isEmpty && rules.mayRead(department, "risks"):
                            let id = risks.randomElement(using: &random)!
                            if try store.row("risks", id: id) != nil { try store.update("risks", id: id, fields: ["status": .text("closed")]) }
                        default:
                            break
                        }
                    }
                }
                for r in replicas.shuffled(using: &random) where Bool.random(using: &random) { try await sync(r.store) }
            }
            for _ in 0..<2 { for r in replicas { try await sync(r.store) } }
            for (department, store) in replicas {
                let text = try daemon.log.canonicalForm(of: department, rules: Self.rules, schema: PlanningSchema.schema)
                let daemonHash = SHA256.hash(data: Data(text.utf8)).map { String(format: "%02x", $0) }.joined()
                #expect(try store.stateHash() == daemonHash, "department \(department), seed \(seed)")
                #expect(try store.outboxCount() == 0)
                if !Self.rules.mayRead(department, "incentives") {
                    #expect(try store.rows("incentives").isEmpty, "\(department) holds incentives")
                }
            }
        }
    }
}
