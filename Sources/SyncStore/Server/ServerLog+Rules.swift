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
}
