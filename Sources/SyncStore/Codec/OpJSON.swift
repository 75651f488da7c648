import Foundation
import SyncModel

/// The wire JSON of an op (``SyncModel/Op``'s Codable shape), written by string building: the
/// recent-op record stores one per applied op, and a JSONEncoder per op would dominate a batch.
/// Read back with JSONDecoder (``decode(_:)``), which checks it like any wire op.
enum OpJSON {
    static func encode(_ op: Op) -> String {
        var out = "{\"collection\":" + JSONText.quote(op.collection)
        out += ",\"row\":" + JSONText.quote(op.row)
        out += ",\"field\":" + JSONText.quote(op.field)
        out += ",\"kind\":\"" + op.kind.rawValue + "\""
        out += ",\"node\":\"" + op.node + "\""
        out += ",\"seq\":" + String(op.seq)
        out += ",\"hlc\":\"" + op.hlc.description + "\""
        switch op.kind {
        case .set:
            out += ",\"value\":" + (op.value ?? .null).jsonText
            out += ",\"replaces\":" + dots(op.replaces)
            if let context = op.context { out += ",\"context\":" + DotText.json(context) }
        case .inc:
            out += ",\"delta\":" + String(op.delta ?? 0)
        case .add:
            out += ",\"element\":" + JSONText.quote(op.element ?? "")
        case .remove:
            out += ",\"element\":" + JSONText.quote(op.element ?? "")
            out += ",\"removes\":" + dots(op.removes)
        }
        if let department = op.department { out += ",\"department\":" + JSONText.quote(department) }
        if let log = op.log { out += ",\"log\":" + String(log) }
        return out + "}"
    }

    static func decode(_ text: String) throws -> Op {
        do {
            return try JSONDecoder().decode(Op.self, from: Data(text.utf8))
        } catch {
            throw StoreError.corrupt("stored op: \(error)")
        }
    }

    private static func dots(_ dots: [Dot]) -> String {
        "[" + dots.map { "\"\($0)\"" }.joined(separator: ",") + "]"
    }
}
