/// Parses a value typed by a person (`end=2027-04-20`, `budget_planned=80000000`, `status=active`)
/// into the register value the field holds, then validates it.
///
/// An empty text clears the field (`null`). Whole numbers are read exactly and checked against the
/// field's range; reals are spelt as in JSON and refused beyond ±2^53 as written
/// (`9007199254740993` and `9007199254740992.5` are, though a double rounds both to 2^53). Errors
/// name the field and what it accepts:
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
            // Exact: the field's range (within ±2^53) is checked below.
            guard let i = Int64(text) else { throw ValidationError("\(path): \(JSONText.quote(text)) is not \(field.kind.expectation)") }
            value = .integer(i)
        case .real:
            // Decided on the digits as written (``NumberText``), not on a double that rounded them.
            switch NumberText.parse(text) {
            case .integer(let i)?: value = .real(Double(i))
            case .real(let d)?: value = .real(d)
            case nil: throw ValidationError("\(path): \(JSONText.quote(text)) is not \(field.kind.expectation)")
            }
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
