import SyncModel
import SyncStore

/// A field's shown value as human text and as JSON: sets as arrays, counters as integers,
/// register values as their JSON types.
enum FieldText {
    /// Human form: text without quotes, set elements joined by `, `, empty for null.
    static func display(_ value: FieldValue) -> String {
        switch value {
        case .value(let v): return v.display
        case .counter(let n): return String(n)
        case .set(let elements): return elements.joined(separator: ", ")
        }
    }

    static func json(_ value: FieldValue) -> JSON {
        switch value {
        case .value(let v): return JSON(v)
        case .counter(let n): return .integer(n)
        case .set(let elements): return .array(elements.map(JSON.string))
        }
    }

    /// Human form of a register value of `field`: `_deleted` reads as deleted/live.
    static func display(_ value: Value, field: String) -> String {
        if field == Op.deletedField, case .bool(let deleted) = value { return deleted ? "deleted" : "live" }
        if value == .null { return "(empty)" }
        return value.display
    }
}
