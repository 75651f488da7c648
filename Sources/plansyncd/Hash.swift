import ArgumentParser
import Planning
import SyncServer
import SyncStore

/// `plansyncd hash --department D`: the state hash a department's replicas print once synced,
/// computed as the wire request `state_hash` computes it (``SyncServer/ScopeHash``).
struct Hash: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print the daemon's state hash for what a department may read (last line).")

    @Option(help: "The department whose scope is hashed.")
    var department: String

    @Option(help: "Rules to apply (default: those the daemon last served with, kept in its file).")
    var rules: String?

    @OptionGroup var store: DataOption

    func run() throws {
        let schema = PlanningSchema.schema
        guard !department.isEmpty else { throw UserError("--department must not be empty") }
        let log = try store.existingFile("hash")
        do {
            let access = try rules.map { path throws in try loadRules(path, schema: schema) } ?? log.storedRules()
            let scope = try ScopeHash(of: department, rules: access, schema: schema, in: log)
            print("rules \(access.version), department \(department), head \(scope.head)")
            print(scope.hash)
        } catch let error as UserError {
            throw error
        } catch {
            throw UserError("cannot hash \(store.data): \(error)")
        }
    }
}
