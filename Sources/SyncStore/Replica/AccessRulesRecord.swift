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

    /// Keeps `rules` under `version` (default their own; a laptop keeps its department's subset
    /// under the version of the daemon's whole rules).
    static func save(_ db: Database, _ rules: AccessRules, version: String? = nil) throws {
        var out = JSONOutput(capacity: 256)
        rules.writeJSON(to: &out, version: version)
        try db.execute(sql: "INSERT OR REPLACE INTO ps_rules (id, version, json) VALUES (1, ?, ?)",
                       arguments: [version ?? rules.version, String(decoding: out.bytes, as: UTF8.self)])
    }

    /// The version stored with the rules, nil when none were stored.
    static func version(_ db: Database) throws -> String? {
        try String.fetchOne(db, sql: "SELECT version FROM ps_rules WHERE id = 1")
    }
}

extension ReplicaStore {
    /// The access rules this replica last received (``AccessRules/open`` before any).
    public func accessRules() throws -> AccessRules {
        try read { db in try AccessRulesRecord.read(db) }
    }

    /// Keeps the rules of a `welcome`, so local writes they forbid are refused before they enter
    /// the outbox and the state hash covers what the department may read; in the same
    /// transaction, drops the rows of every collection the department may no longer read
    /// (``HiddenCollections``).
    public func adoptRules(_ rules: AccessRules.Wire) throws {
        try write { db in
            let adopted = AccessRules(rules.entries)
            try AccessRulesRecord.save(db, adopted, version: rules.version)
            _ = try HiddenCollections.drop(db, layout: layout, department: try IdentityRecord.read(db).department, rules: adopted)
        }
    }

    /// The version of the daemon's rules this replica last received, nil before any.
    public func accessRulesVersion() throws -> String? {
        try read { db in try AccessRulesRecord.version(db) }
    }
}
