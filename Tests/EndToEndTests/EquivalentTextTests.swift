import Foundation
import Testing

/// Issue inputs of "texts that Swift calls equal and SQLite does not", through the real binaries and
/// daemon: canonically equivalent texts stay distinct on every replica, removing one leaves the
/// other, and every replica prints one state hash.
@Suite struct EquivalentTextTests {
    static let ohm = "\u{2126}", omega = "\u{3A9}"
    static let angstrom = "\u{212B}", aRing = "\u{C5}"

    func initReplicas(_ ws: Workspace, _ daemon: TestDaemon, _ names: [String]) throws {
        for name in names {
            try ws.ok(name, "init", "--node", "\(name)-laptop", "--department", name, "--server", daemon.address, "--token", daemon.token(for: name))
        }
    }

    func syncAll(_ ws: Workspace, _ names: [String]) throws {
        for _ in 0..<2 { for name in names { try ws.ok(name, "sync") } }
    }

    func hashes(_ ws: Workspace, _ names: [String]) throws -> Set<String> {
        Set(try names.map { try #require(try ws.status($0)["state_hash"] as? String) })
    }

    @Test func ohmAndOmegaAreTwoElementsEverywhere() async throws {
        let ws = try Workspace()
        let daemon = try await TestDaemon(in: ws.folder)
        let names = ["a", "b", "c"]
        try initReplicas(ws, daemon, names)
        let project = try ws.ok("a", "put", "projects", "name=春季推广")
        try syncAll(ws, names)
        try ws.ok("a", "add", "projects", project, "channels", Self.ohm)
        try ws.ok("b", "add", "projects", project, "channels", Self.omega)
        try syncAll(ws, names)
        for name in names {
            let row = try #require(try ws.json(name, "get", "projects", project, "--json") as? [String: Any])
            let channels = try #require((row["fields"] as? [String: Any])?["channels"] as? [String])
            #expect(channels.map { Array($0.unicodeScalars) } == [[Unicode.Scalar(0x3A9)!], [Unicode.Scalar(0x2126)!]], "\(name)")
        }
        #expect(try hashes(ws, names).count == 1)

        try ws.ok("c", "remove", "projects", project, "channels", Self.ohm)
        try syncAll(ws, names)
        for name in names {
            let row = try #require(try ws.json(name, "get", "projects", project, "--json") as? [String: Any])
            let channels = try #require((row["fields"] as? [String: Any])?["channels"] as? [String])
            #expect(channels.map { Array($0.unicodeScalars) } == [[Unicode.Scalar(0x3A9)!]], "removing OHM SIGN leaves OMEGA on \(name)")
        }
        #expect(try hashes(ws, names).count == 1)
        await daemon.stop()
    }

    @Test func equivalentRowIDsAreTwoRowsEvenInOneBatch() async throws {
        let ws = try Workspace()
        let daemon = try await TestDaemon(in: ws.folder)
        let names = ["a", "b"]
        try initReplicas(ws, daemon, names)
        try ws.ok("a", "put", "projects", "--new-id", Self.angstrom, "name=from a")
        try ws.ok("b", "put", "projects", "--new-id", Self.aRing, "name=from b")
        try syncAll(ws, names)
        // A fresh replica pulls both rows in one page.
        try initReplicas(ws, daemon, ["fresh"])
        try ws.ok("fresh", "sync")
        for name in names + ["fresh"] {
            let rows = try #require(try ws.json(name, "list", "projects", "--json") as? [[String: Any]])
            #expect(rows.count == 2, "\(name): \(rows)")
            let conflicts = try #require(try ws.json(name, "conflicts", "list", "--json") as? [[String: Any]])
            #expect(conflicts.isEmpty, "\(name): \(conflicts)")
        }
        #expect(try hashes(ws, names + ["fresh"]).count == 1)
        await daemon.stop()
    }
}
