/// A rules entry that does not fit the schema, naming its place in the rules file.
public struct AccessRulesError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Where, e.g. `collections.projects.fields.budgett`.
    public let place: String
    public let message: String

    public init(place: String, _ message: String) {
        self.place = place
        self.message = message
    }

    public var description: String { "\(place): \(message)" }
}

extension AccessRules {
    /// Checks every entry against `schema`: known collection and field, field entries write
    /// only, department names non-empty. Throws for the first entry that does not fit.
    public func validate(against schema: Schema) throws(AccessRulesError) {
        for e in entries {
            let place = "collections.\(e.collection)"
            guard let collection = schema.collection(e.collection) else {
                throw AccessRulesError(place: place, "no collection \"\(e.collection)\" in the schema (schema version \(schema.version))")
            }
            if let field = e.field {
                guard collection.field(field) != nil else {
                    throw AccessRulesError(place: "\(place).fields.\(field)", "collection \(e.collection) has no field \"\(field)\"")
                }
                guard e.access == .write else {
                    throw AccessRulesError(place: e.place, "a field rule takes only write; read is ruled per collection")
                }
            }
            for d in e.departments {
                guard !d.isEmpty, d.utf8.count <= 64 else {
                    throw AccessRulesError(place: e.place, "a department name must be 1 to 64 bytes")
                }
                // No token can name such a department (``Department``): a space at either end, say.
                guard Department.isValid(d) else {
                    throw AccessRulesError(place: e.place, "\(JSONText.quote(d)) is no department name: it may not start or end with a space or hold control characters")
                }
            }
        }
    }

    /// The collections of `schema` that `department` may read, in schema order.
    public func readable(by department: String, in schema: Schema) -> [String] {
        schema.collections.map(\.name).filter { mayRead(department, $0) }
    }
}
