import Foundation
import Testing

/// A temporary folder with replica files, driven through the `plansync` binary. Removed on deinit.
final class Workspace: @unchecked Sendable {
    let folder: URL
    let binary: PlanSyncBinary

    init() throws {
        binary = try PlanSyncBinary.locate()
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("plansync-e2e-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(at: folder) }

    /// `plansync ARGUMENTS` in the folder.
    @discardableResult
    func run(_ arguments: String...) throws -> PlanSyncBinary.Result {
        try binary.run(arguments, in: folder)
    }

    /// `plansync --replica NAME.sqlite ARGUMENTS`.
    @discardableResult
    func on(_ replica: String, _ arguments: String...) throws -> PlanSyncBinary.Result {
        try binary.run(["--replica", "\(replica).sqlite"] + arguments, in: folder)
    }

    /// Like ``on(_:_:)`` but records a test issue unless the command exits 0; returns stdout.
    @discardableResult
    func ok(_ replica: String, _ arguments: String..., sourceLocation: SourceLocation = #_sourceLocation) throws -> String {
        let result = try binary.run(["--replica", "\(replica).sqlite"] + arguments, in: folder)
        #expect(result.status == 0, "plansync \(arguments.joined(separator: " ")) failed: \(result.stderr)", sourceLocation: sourceLocation)
        return result.output
    }

    /// The JSON document a command printed.
    func json(_ replica: String, _ arguments: String..., sourceLocation: SourceLocation = #_sourceLocation) throws -> Any {
        let result = try binary.run(["--replica", "\(replica).sqlite"] + arguments, in: folder)
        #expect(result.status == 0, "plansync \(arguments.joined(separator: " ")) failed: \(result.stderr)", sourceLocation: sourceLocation)
        return try JSONSerialization.jsonObject(with: Data(result.stdout.utf8), options: [.fragmentsAllowed])
    }

    /// `status --json` as a dictionary.
    func status(_ replica: String) throws -> [String: Any] {
        try json(replica, "status", "--json") as? [String: Any] ?? [:]
    }

    /// Whether a file exists in the folder.
    func exists(_ name: String) -> Bool {
        FileManager.default.fileExists(atPath: folder.appendingPathComponent(name).path)
    }
}
