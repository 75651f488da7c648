import SyncClient
import SyncModel
import Testing

/// The verdict of `plansync status --verify`: equal, behind (a sync may cure it), or different
/// although up to date.
@Suite("State agreement")
struct StateAgreementTests {
    static let a = String(repeating: "a", count: 64)
    static let b = String(repeating: "b", count: 64)
    static let rules = AccessRules.open.version

    static func agreement(hash: String = a, cursor: UInt64 = 9, outbox: Int = 0, rules: String? = rules, daemonHead: UInt64 = 9) -> StateAgreement {
        StateAgreement(replicaHash: hash, replicaCursor: cursor, outbox: outbox, replicaRulesVersion: rules,
                       daemon: DaemonStateHash(hash: a, head: daemonHead, department: "sales", rulesVersion: Self.rules))
    }

    @Test func equalHashesAreEqualWhateverThePositions() {
        #expect(Self.agreement().verdict == .equal)
        #expect(Self.agreement(cursor: 3, outbox: 2).verdict == .equal)
    }

    @Test func differentHashesOfAReplicaThatIsNotUpToDateAreBehind() {
        #expect(Self.agreement(hash: Self.b, cursor: 8).verdict == .behind)
        #expect(Self.agreement(hash: Self.b, outbox: 1).verdict == .behind)
        #expect(Self.agreement(hash: Self.b, rules: nil).verdict == .behind)
        #expect(Self.agreement(hash: Self.b, rules: "0123456789abcdef").verdict == .behind)
    }

    @Test func differentHashesOfAnUpToDateReplicaDiffer() {
        #expect(Self.agreement(hash: Self.b).verdict == .differs)
        // A cursor past the hash's position (hidden ops after it) is up to date too.
        #expect(Self.agreement(hash: Self.b, cursor: 12).verdict == .differs)
    }
}
