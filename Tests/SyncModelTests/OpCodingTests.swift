import TestSupport
import Foundation
import SyncModel
import Testing

/// Ops on the wire, exactly as DESIGN.md ("Wire contract") shapes them.
@Suite("Op wire shape")
struct OpCodingTests {
    static let setJSON = #"{"collection":"projects","row":"4b1f","field":"end","kind":"set","node":"sales-laptop","seq":12,"hlc":"01937a8b1c2d0001","value":"2027-04-20","replaces":["planning-laptop:7"]}"#
    static let incJSON = #"{"collection":"projects","row":"4b1f","field":"budget_spent","kind":"inc","node":"finance","seq":3,"hlc":"01937a8b1c2d0002","delta":-1200}"#
    static let addJSON = #"{"collection":"projects","row":"4b1f","field":"channels","kind":"add","node":"marketing","seq":4,"hlc":"01937a8b1c2d0003","element":"社交媒体"}"#
    static let removeJSON = #"{"collection":"projects","row":"4b1f","field":"channels","kind":"remove","node":"marketing","seq":5,"hlc":"01937a8b1c2d0004","element":"社交媒体","removes":["marketing:4","sales-laptop:2"]}"#
    static let deleteJSON = #"{"collection":"projects","row":"4b1f","field":"_deleted","kind":"set","node":"planning","seq":13,"hlc":"01937a8b1c2d0005","value":true,"replaces":["planning:1"],"context":{"planning":12,"sales-laptop":12}}"#
    static let changesJSON = #"{"collection":"projects","row":"4b1f","field":"budget_spent","kind":"inc","node":"finance","seq":3,"hlc":"01937a8b1c2d0002","delta":7,"department":"finance","log":42}"#

    @Test func decodesASet() throws {
        let op = try decodeOp(Self.setJSON)
        #expect(op == Op(collection: "projects", row: "4b1f", field: "end", kind: .set, node: "sales-laptop", seq: 12,
                         hlc: HLCTimestamp(parsing: "01937a8b1c2d0001")!, value: .text("2027-04-20"),
                         replaces: [dot("planning-laptop:7")]))
        #expect(op.dot == dot("sales-laptop:12"))
    }

    @Test func decodesAnInc() throws {
        let op = try decodeOp(Self.incJSON)
        #expect(op.kind == .inc && op.delta == -1200 && op.value == nil && op.replaces.isEmpty)
    }

    @Test func decodesAnAddAndARemove() throws {
        let add = try decodeOp(Self.addJSON)
        #expect(add.kind == .add && add.element == "社交媒体" && add.removes.isEmpty)
        let remove = try decodeOp(Self.removeJSON)
        #expect(remove.kind == .remove && remove.element == "社交媒体")
        #expect(remove.removes == [dot("marketing:4"), dot("sales-laptop:2")])
    }

    @Test func decodesADeleteWithItsContext() throws {
        let op = try decodeOp(Self.deleteJSON)
        #expect(op.field == Op.deletedField && op.value == .bool(true))
        #expect(op.context == VersionVector(["planning": 12, "sales-laptop": 12]))
    }

    @Test func decodesServerStamps() throws {
        let op = try decodeOp(Self.changesJSON)
        #expect(op.department == "finance" && op.log == 42)
        #expect(op.content.department == nil && op.content.log == nil)
        #expect(op.content == (try decodeOp(Self.incJSON)).content.with(delta: 7))
    }

    @Test(arguments: [setJSON, incJSON, addJSON, removeJSON, deleteJSON, changesJSON])
    func roundTrips(_ json: String) throws {
        let op = try decodeOp(json)
        #expect(try decodeOp(try encodeJSON(op)) == op)
    }

    @Test func encodesExactlyTheWireKeysOfEachKind() throws {
        let common: Set = ["collection", "row", "field", "kind", "node", "seq", "hlc"]
        let expected: [(String, Set<String>)] = [
            (Self.setJSON, common.union(["value", "replaces"])),
            (Self.incJSON, common.union(["delta"])),
            (Self.addJSON, common.union(["element"])),
            (Self.removeJSON, common.union(["element", "removes"])),
            (Self.deleteJSON, common.union(["value", "replaces", "context"])),
            (Self.changesJSON, common.union(["delta", "department", "log"])),
        ]
        for (json, keys) in expected {
            let encoded = try encodeJSON(try decodeOp(json))
            let object = try #require(try JSONSerialization.jsonObject(with: Data(encoded.utf8)) as? [String: Any])
            #expect(Set(object.keys) == keys, "\(encoded)")
        }
    }

    @Test func encodesValuesDotsAndHLCAsText() throws {
        let encoded = try encodeJSON(try decodeOp(Self.deleteJSON))
        #expect(encoded == #"{"collection":"projects","context":{"planning":12,"sales-laptop":12},"field":"_deleted","hlc":"01937a8b1c2d0005","kind":"set","node":"planning","replaces":["planning:1"],"row":"4b1f","seq":13,"value":true}"#)
    }

    @Test func aSetMayClearAFieldWithNull() throws {
        let op = try decodeOp(Self.setJSON.replacingOccurrences(of: #""2027-04-20""#, with: "null"))
        #expect(op.value == .null)
    }

    @Test func aSetWithoutReplacesReplacesNothing() throws {
        let op = try decodeOp(Self.setJSON.replacingOccurrences(of: #","replaces":["planning-laptop:7"]"#, with: ""))
        #expect(op.replaces.isEmpty)
    }

    /// (json, member removed) pairs: each kind's required members.
    static let requiredMembers: [(String, String)] = {
        let common = ["collection", "row", "field", "kind", "node", "seq", "hlc"]
        return common.map { (setJSON, $0) } + [(setJSON, "value"), (incJSON, "delta"), (addJSON, "element"),
                                              (removeJSON, "element"), (removeJSON, "removes")]
    }()

    @Test(arguments: requiredMembers)
    func missingMemberIsADecodingError(_ json: String, _ member: String) throws {
        var object = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        object.removeValue(forKey: member)
        let data = try JSONSerialization.data(withJSONObject: object)
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(Op.self, from: data) }
    }

    @Test(arguments: [
        (#""seq":12"#, #""seq":9007199254740993"#),
        (#""seq":12"#, #""seq":0"#),
        (#""seq":12"#, #""seq":-1"#),
        (#""seq":12"#, #""seq":"12""#),
        (#""node":"sales-laptop""#, #""node":"sales laptop""#),
        (#""node":"sales-laptop""#, #""node":"""#),
        (#""hlc":"01937a8b1c2d0001""#, #""hlc":"01937A8B1C2D0001""#),
        (#""hlc":"01937a8b1c2d0001""#, #""hlc":1733000000"#),
        (#""kind":"set""#, #""kind":"merge""#),
        (#""planning-laptop:7""#, #""planning-laptop""#),
        (#""value":"2027-04-20""#, #""value":["2027-04-20"]"#),
    ])
    func badSetMemberIsADecodingError(_ from: String, _ to: String) {
        let json = Self.setJSON.replacingOccurrences(of: from, with: to)
        #expect(json != Self.setJSON)
        #expect(throws: DecodingError.self) { try decodeOp(json) }
    }

    @Test func numbersAbove2To53AreRejected() throws {
        #expect(throws: DecodingError.self) { try decodeOp(Self.incJSON.replacingOccurrences(of: "-1200", with: "9007199254740993")) }
        #expect(throws: DecodingError.self) { try decodeOp(Self.incJSON.replacingOccurrences(of: "-1200", with: "-9007199254740993")) }
        #expect(throws: DecodingError.self) { try decodeOp(Self.deleteJSON.replacingOccurrences(of: #""planning":12"#, with: #""planning":9007199254740993"#)) }
        #expect(throws: DecodingError.self) { try decodeOp(Self.changesJSON.replacingOccurrences(of: #""log":42"#, with: #""log":9007199254740993"#)) }
        // the limit itself is allowed
        #expect(try decodeOp(Self.incJSON.replacingOccurrences(of: "-1200", with: "-9007199254740992")).delta == -(1 << 53))
        #expect(try decodeOp(Self.setJSON.replacingOccurrences(of: #""seq":12"#, with: #""seq":9007199254740992"#)).seq == 1 << 53)
    }

    @Test func registerValuesAbove2To53AreInvalidOps() throws {
        // A value is any JSON scalar on the wire; the schema refuses numbers beyond ±2^53 (invalid_op).
        for (field, number) in [("count", "9007199254740993"), ("weight", "9007199254740993"), ("weight", "1e300")] {
            let json = #"{"collection":"items","row":"r1","field":"\#(field)","kind":"set","node":"n","seq":1,"hlc":"0000000000010000","value":\#(number)}"#
            let op = try decodeOp(json)
            #expect(throws: ValidationError.self, "\(field)=\(number)") { try testSchema.validate(op) }
        }
    }

    @Test func contentDropsOnlyServerStamps() {
        var op = setOp("a", 1, .text("x"))
        op.department = "sales"
        op.log = 9
        #expect(op.content == setOp("a", 1, .text("x")))
        #expect(op.content != setOp("a", 1, .text("y")))
    }
}

extension Op {
    func with(delta: Int64) -> Op {
        var copy = self
        copy.delta = delta
        return copy
    }
}
