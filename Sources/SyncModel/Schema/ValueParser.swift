/// Parses a value typed by a person (`end=2027-04-20`, `budget_planned=80000000`, `status=active`)
/// into the register value the field holds, then validates it.
///
/// An empty text clears the field (`null`). Errors name the field and what it accepts:
/// ```swift
/// try schema.parse("2027-02-30", for: "end", in: "projects")
/// // ValidationError: projects.end: "2027-02-30" is not a date YYYY-MM-DD
/// ```
extension Schema {
    public func parse(_ text: String, for fieldName: String, in collectionName: String) throws(ValidationError) -> Value {
        guard let collection = collection(collectionName) else {
            throw ValidationError("unknown collection \"\(collectionName.prefix(80))\"; known: " + collections.map(\.name).joined(separator: ", "))
        }
        guard let field = collection.field(fieldName) else {
            throw ValidationError("\(collection.name): unknown field \"\(fieldName.prefix(80))\"; known: " + collection.fields.map(\.name).joined(separator: ", "))
        }
        let path = "\(collection.name).\(field.name)"
        if text.isEmpty, field.name != Op.deletedField { return .null }
        let value: Value
        switch field.kind {
        case .integer:
            guard let i = Int64(text) else { throw ValidationError("\(path): \(JSONText.quote(text)) is not \(field.kind.expectation)") }
            value = .integer(i)
        case .real:
            guard let d = Double(text), d.isFinite else { throw ValidationError("\(path): \(JSONText.quote(text)) is not \(field.kind.expectation)") }
            value = .real(d)
        case .bool:
            switch text.lowercased() {
            case "true", "yes", "1": value = .bool(true)
            case "false", "no", "0": value = .bool(false)
            default: throw ValidationError("\(path): \(JSONText.quote(text)) is not \(field.kind.expectation)")
            }
        case .counter, .textSet:
            throw ValidationError("\(path): is \(field.kind.expectation)")
        default:
            value = .text(text)
        }
        try validate(value, for: field, path: path)
        return value
    }
}
