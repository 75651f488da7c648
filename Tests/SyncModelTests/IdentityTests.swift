import TestSupport
import Foundation
import SyncModel
import Testing

@Suite("Node ids, dots and version vectors")
struct IdentityTests {
    @Test(arguments: ["a", "sales-laptop", "R.and_D-2", "0", String(repeating: "x", count: 64)])
    func validNodeIDs(_ id: String) throws {
        #expect(NodeID.isValid(id))
        try NodeID.validate(id)
    }

    @Test(arguments: ["", "a:b", "a b", "sales/laptop", "é", "tab\t", String(repeating: "x", count: 65)])
    func invalidNodeIDs(_ id: String) {
        #expect(!NodeID.isValid(id))
        #expect(throws: NodeIDError.invalid(id)) { try NodeID.validate(id) }
    }

    @Test func nodeIDErrorNamesTheRule() {
        #expect(NodeIDError.invalid("a:b").description.contains("1 to 64 characters"))
    }

    @Test func dotParsesNodeAndSeq() throws {
        let d = try #require(Dot(parsing: "sales-laptop:17"))
        #expect(d.node == "sales-laptop" && d.seq == 17)
        #expect(d.description == "sales-laptop:17")
        #expect(Dot(parsing: "n:9007199254740992")?.seq == 1 << 53)
    }

    @Test(arguments: ["", ":1", "a:", "a:0", "a:-1", "a:+1", "a:1.0", "a: 1", "a b:1", "a:1:2", "a:x",
                      "a:9007199254740993", "a:99999999999999999999", String(repeating: "x", count: 65) + ":1"])
    func dotRejectsBadText(_ text: String) {
        #expect(Dot(parsing: text) == nil)
    }

    @Test func dotsOrderByNodeThenSeq() {
        let sorted = [dot("b:1"), dot("a:10"), dot("a:9"), dot("a:2")].sorted()
        #expect(sorted.map(\.description) == ["a:2", "a:9", "a:10", "b:1"])
    }

    @Test func dotCodableIsTheWireString() throws {
        #expect(try encodeJSON([dot("p:7")]) == #"["p:7"]"#)
        #expect(try JSONDecoder().decode([Dot].self, from: Data(#"["p:7"]"#.utf8)) == [dot("p:7")])
        #expect(throws: DecodingError.self) { try JSONDecoder().decode([Dot].self, from: Data(#"["p:0"]"#.utf8)) }
        #expect(throws: DecodingError.self) { try JSONDecoder().decode([Dot].self, from: Data(#"[7]"#.utf8)) }
    }

    @Test func versionVectorObservesAndContains() {
        var vv = VersionVector()
        #expect(vv["a"] == 0 && !vv.contains(dot("a:1")))
        vv.observe(dot("a:3"))
        vv.observe(dot("a:2"))   // lower seq never lowers the entry
        vv.observe(dot("b:1"))
        #expect(vv["a"] == 3 && vv["b"] == 1)
        #expect(vv.contains(dot("a:1")) && vv.contains(dot("a:3")) && !vv.contains(dot("a:4")))
        #expect(vv.sorted.map(\.node) == ["a", "b"])
    }

    @Test func versionVectorCovers() {
        let big = VersionVector(["a": 3, "b": 2])
        #expect(big.covers(VersionVector(["a": 3])))
        #expect(big.covers(VersionVector()))
        #expect(!big.covers(VersionVector(["a": 4])))
        #expect(!big.covers(VersionVector(["c": 1])))
        #expect(!VersionVector(["a": 3]).covers(big))
    }

    @Test func versionVectorDropsZeroEntries() {
        #expect(VersionVector(["a": 0, "b": 1]) == VersionVector(["b": 1]))
    }

    @Test func versionVectorCodableIsAnObject() throws {
        let vv = VersionVector(["a": 3, "b": 2])
        #expect(try encodeJSON(vv) == #"{"a":3,"b":2}"#)
        #expect(try JSONDecoder().decode(VersionVector.self, from: Data(#"{"a":3,"b":2}"#.utf8)) == vv)
        for bad in [#"{"a:b":1}"#, #"{"a":-1}"#, #"{"a":9007199254740993}"#, #"{"a":"1"}"#, "[1]"] {
            #expect(throws: DecodingError.self, "\(bad)") { try JSONDecoder().decode(VersionVector.self, from: Data(bad.utf8)) }
        }
    }
}

/// One department rule for the replica's identity, the token table and the CLI.
@Suite("Department names")
struct DepartmentTests {
    @Test(arguments: ["sales", "市场部", "R&D", "hr 2", String(repeating: "x", count: 128), "计划部 🌸"])
    func accepted(_ name: String) { #expect(Department.isValid(name)) }

    @Test(arguments: ["", " sales", "sales ", "a\nb", "a\u{0}b", "a\u{7F}", "a\u{85}b", "a\u{2028}b", "a\u{202E}b",
                      String(repeating: "x", count: 129), String(repeating: "部", count: 43)])
    func refused(_ name: String) {
        #expect(!Department.isValid(name))
        #expect(throws: DepartmentError.invalid(name)) { try Department.validate(name) }
    }
}
