import SyncModel

/// Parses `FIELD=VALUE` arguments into register values through the schema
/// (`end=2027-04-20`, `budget_planned=80000000`, `status=active`, refs as row ids).
///
/// The text after the first `=` is the value, so values may contain `=`; an empty value clears
/// the field. Every argument is checked before anything is written; the first mistake is one line
/// naming the field and what it accepts.
enum Assignments {
    /// Whether `argument` has the `FIELD=VALUE` shape (a `=` after at least one character).
    static func isAssignment(_ argument: String) -> Bool {
        split(argument) != nil
    }

    /// The field name before the first `=` and the text after it; nil without a name and `=`.
    static func split(_ argument: String) -> (field: String, text: String)? {
        guard let eq = argument.firstIndex(of: "="), eq != argument.startIndex else { return nil }
        return (String(argument[..<eq]), String(argument[argument.index(after: eq)...]))
    }

    /// Field name → parsed value, for `collection`. Throws a user error for a malformed argument,
    /// an unknown field, a field given twice, `_deleted`, a counter or set field, or a bad value.
    static func parse(_ arguments: [String], in collection: CollectionSchema, schema: Schema) throws(CLIError) -> [String: Value] {
        var values: [String: Value] = [:]
        let lookup = SchemaLookup(schema: schema)
        for argument in arguments {
            guard let (name, text) = split(argument) else {
                throw .user("expected FIELD=VALUE, got \(JSONText.quote(String(argument.prefix(80))))")
            }
            if name == Op.deletedField {
                throw .user("\(collection.name).\(Op.deletedField): use plansync delete or restore")
            }
            let field = try lookup.field(name, in: collection)
            switch field.kind.crdt {
            case .counter:
                throw .user("\(collection.name).\(name): is a counter; change it with plansync inc \(collection.name) ID \(name) DELTA")
            case .set:
                throw .user("\(collection.name).\(name): is a set; change it with plansync add|remove \(collection.name) ID \(name) ELEMENT")
            case .register:
                break
            }
            guard values[name] == nil else { throw .user("\(collection.name).\(name): given twice") }
            do {
                values[name] = try schema.parse(text, for: name, in: collection.name)
            } catch {
                throw .user(error.message)
            }
        }
        return values
    }
}
