import GRDB
import SyncModel

/// The access rules kept in a replica file (`ps_rules`): on a laptop those of its last
/// `welcome`, on the daemon's file those it serves with. No row: no rules (everyone may do all).
enum AccessRulesRecord {
    static func read(_ db: Database) throws -> AccessRules {
        guard let json = try String.fetchOne(db, sql: "SELECT json FROM ps_rules WHERE id = 1") else { return .open }
        guard let rules = AccessRules.read(jsonText: json) else { throw StoreError.corrupt("the stored access rules are not readable") }
        return rules
    }

    static func save(_ db: Database, _ rules: AccessRules) throws {
        try db.execute(sql: "INSERT OR REPLACE INTO ps_rules (id, version, json) VALUES (1, ?, ?)", arguments: [rules.version, rules.jsonText])
    }
}

extension ReplicaStore {
    /// The access rules this replica last received (``AccessRules/open`` before any).
    public func accessRules() throws -> AccessRules {
        try read { db in try AccessRulesRecord.read(db) }
    }

    /// Keeps the rules of a `welcome`, so local writes they forbid are refused before they enter
    /// the outbox and the state hash covers what the department may read.
    public func adoptRules(_ rules: AccessRules) throws {
        try write { db in try AccessRulesRecord.save(db, rules) }
    }
}
