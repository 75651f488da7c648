import GRDB
import SyncModel

extension ServerLog {
    /// Keeps the rules the daemon serves with in its file, so `plansyncd hash --department`
    /// computes a department's scope without the rules file.
    public func saveRules(_ rules: AccessRules) throws {
        try write { db in try AccessRulesRecord.save(db, rules) }
    }

    /// The rules last saved by ``saveRules(_:)`` (``AccessRules/open`` when none).
    public func storedRules() throws -> AccessRules {
        try read { db in try AccessRulesRecord.read(db) }
    }

    /// SHA-256 of the state that `department` may read under `rules`: what that department's
    /// replicas print as their state hash once they have synced the whole log.
    public func stateHash(of department: String, rules: AccessRules) throws -> String {
        Hex.sha256(try canonicalForm(of: department, rules: rules, schema: replica.schema))
    }
}
