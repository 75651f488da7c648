import Foundation
import Planning
import PostgresTestSupport
import SyncModel
import Testing
@testable import SyncServer

/// Replays protocol/transcripts/*.txt against the real daemon (format: protocol/transcripts/README.md).
@Suite("Conformance transcripts")
struct TranscriptTests {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("protocol/transcripts")

    static var files: [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []).filter { $0.hasSuffix(".txt") }.sorted()
    }

    @Test func thereAreTranscripts() {
        #expect(Self.files.count >= 4)
    }

    /// The transcripts a PostgreSQL log can serve: all but those that compact (not yet done there).
    static var postgresFiles: [String] {
        files.filter { file in
            let text = (try? String(contentsOf: directory.appendingPathComponent(file), encoding: .utf8)) ?? ""
            return !text.contains("#! compact-through ")
        }
    }

    @Test(arguments: files)
    func replay(file: String) async throws {
        try await replay(file: file, backend: .memory)
    }

    @Test(.enabled(if: PostgresTestServer.enabled, Comment(rawValue: PostgresTestServer.skipReason)), arguments: postgresFiles)
    func replayOnPostgres(file: String) async throws {
        try await replay(file: file, backend: .postgres)
    }

    func replay(file: String, backend: TestBackend) async throws {
        let text = try String(contentsOf: Self.directory.appendingPathComponent(file), encoding: .utf8)
        // `#! rules {json}` (the JSON of AccessRules) serves the conversation with those rules.
        let rulesLine = text.split(separator: "\n").first { $0.hasPrefix("#! rules ") }
        let rules = try rulesLine.map { line in try #require(AccessRules.read(jsonText: String(line.dropFirst("#! rules ".count)))) }
        let daemon = try await TestDaemon.start(backend: backend) { if let rules { $0.rules = rules } }
        var clients: [Character: LineClient] = [:]
        for (number, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = String(raw)
            // `#! compact-through N` compacts the log through position N here (PROTOCOL.md §9).
            if line.hasPrefix("#! compact-through "), let horizon = UInt64(line.dropFirst("#! compact-through ".count)) {
                try daemon.log.compact(through: horizon, schema: PlanningSchema.schema)
                daemon.daemon.noteCompaction(horizon: horizon)
                continue
            }
            if line.isEmpty || line.hasPrefix("#") { continue }
            let where_ = "\(file):\(number + 1)"
            guard line.count >= 3, let name = line.first, name.isUppercase else {
                Issue.record("\(where_): cannot read \(line)")
                continue
            }
            let marker = line[line.index(after: line.startIndex)]
            let body = String(line.dropFirst(2)).trimmingCharacters(in: .whitespaces)
            let client: LineClient
            if let open = clients[name] { client = open } else {
                client = try await daemon.client()
                clients[name] = client
            }
            switch marker {
            case ">":
                try await client.send(body)
            case "<":
                guard case .line(let actual) = try await client.next() else {
                    Issue.record("\(where_): the server closed instead of sending \(body)")
                    continue
                }
                let expectedValue = try JSONSerialization.jsonObject(with: Data(body.utf8), options: [.fragmentsAllowed])
                let actualValue = try JSONSerialization.jsonObject(with: Data(actual.utf8), options: [.fragmentsAllowed])
                #expect(Self.matches(expectedValue, actualValue), "\(where_)\n expected \(body)\n got      \(actual)")
            case "=":
                #expect(body == "closed", "\(where_): unknown expectation \(body)")
                #expect(try await client.next() == .closed, "\(where_): the server did not close")
            default:
                Issue.record("\(where_): unknown marker \(marker)")
            }
        }
        for client in clients.values { await client.close() }
        await daemon.stop()
    }

    /// JSON equality with the placeholders of the README.
    static func matches(_ expected: Any, _ actual: Any) -> Bool {
        if let placeholder = expected as? String, placeholder.hasPrefix("$") {
            switch placeholder {
            case "$ANY": return true
            case "$STRING": return actual is String
            case "$INT": return (actual as? NSNumber).map { $0.doubleValue == $0.doubleValue.rounded() } ?? false
            case "$HLC": return (actual as? String).map { $0.count == 16 && $0.allSatisfy { "0123456789abcdef".contains($0) } } ?? false
            default: break
            }
        }
        switch (expected, actual) {
        case let (e as [String: Any], a as [String: Any]):
            return Set(e.keys) == Set(a.keys) && e.allSatisfy { key, value in a[key].map { matches(value, $0) } ?? false }
        case let (e as [Any], a as [Any]):
            return e.count == a.count && zip(e, a).allSatisfy { matches($0, $1) }
        case let (e as String, a as String):
            return e == a
        case let (e as NSNumber, a as NSNumber):
            return e == a
        case (is NSNull, is NSNull):
            return true
        default:
            return false
        }
    }
}
