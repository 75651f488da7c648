import Foundation
import Planning
import SyncModel
import Testing

/// protocol/schema.json is the planning schema as SchemaDocument writes it: a change to
/// PlanningSchema without regenerating the published file fails here. Regenerate with
/// `PLANSYNC_WRITE_SCHEMA=1 swift test --filter SchemaDocumentTests`.
@Suite struct SchemaDocumentTests {
    static let file = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("protocol/schema.json")

    @Test func publishedSchemaIsTheGeneratedOne() throws {
        let generated = SchemaDocument.text(of: PlanningSchema.schema)
        if ProcessInfo.processInfo.environment["PLANSYNC_WRITE_SCHEMA"] == "1" {
            try generated.write(to: Self.file, atomically: true, encoding: .utf8)
        }
        let published = try String(contentsOf: Self.file, encoding: .utf8)
        #expect(published == generated, "protocol/schema.json is stale; regenerate: PLANSYNC_WRITE_SCHEMA=1 swift test --filter SchemaDocumentTests")
    }

    /// The document reads back, as JSON, into the same collections, fields and kinds.
    @Test func documentDescribesEveryField() throws {
        let text = SchemaDocument.text(of: PlanningSchema.schema)
        let document = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        #expect(document["schema"] as? Int == PlanningSchema.version)
        let collections = try #require(document["collections"] as? [[String: Any]])
        #expect(collections.compactMap { $0["name"] as? String } == PlanningSchema.schema.collections.map(\.name))
        for (listed, declared) in zip(collections, PlanningSchema.schema.collections) {
            let fields = try #require(listed["fields"] as? [[String: Any]])
            #expect(fields.compactMap { $0["name"] as? String } == declared.fields.map(\.name) + [Op.deletedField])
            for (field, schema) in zip(fields, declared.fields) {
                switch schema.kind {
                case .enumeration(let members): #expect(field["kind"] as? String == "enum" && field["members"] as? [String] == members)
                case .ref(let target): #expect(field["kind"] as? String == "ref" && field["collection"] as? String == target)
                case .integer(let range):
                    #expect(field["kind"] as? String == "integer")
                    #expect((field["min"] as? NSNumber)?.int64Value == range.lowerBound && (field["max"] as? NSNumber)?.int64Value == range.upperBound)
                case .counter: #expect(field["kind"] as? String == "counter")
                case .textSet: #expect(field["kind"] as? String == "set")
                default: #expect(field["kind"] as? String != nil)
                }
            }
        }
    }
}
