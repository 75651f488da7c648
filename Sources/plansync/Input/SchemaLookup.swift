import SyncModel

/// Looks up collections and fields named on the command line, with errors that list what exists.
struct SchemaLookup {
    let schema: Schema

    /// The collection, or a user error naming the known ones.
    func collection(_ name: String) throws(CLIError) -> CollectionSchema {
        guard let collection = schema.collection(name) else {
            throw .user("unknown collection \(JSONText.quote(String(name.prefix(80)))); known: " + schema.collections.map(\.name).joined(separator: ", "))
        }
        return collection
    }

    /// A declared field (not `_deleted`), or a user error naming the collection's fields.
    func field(_ name: String, in collection: CollectionSchema) throws(CLIError) -> FieldSchema {
        guard name != Op.deletedField, let field = collection.field(name) else {
            throw .user("\(collection.name): unknown field \(JSONText.quote(String(name.prefix(80)))); known: " + collection.fields.map(\.name).joined(separator: ", "))
        }
        return field
    }

    /// A field of the given merge family, or a user error saying which command changes it instead.
    func field(_ name: String, in collection: CollectionSchema, family: CRDTFamily, for command: String) throws(CLIError) -> FieldSchema {
        let field = try field(name, in: collection)
        guard field.kind.crdt == family else {
            throw .user("\(collection.name).\(field.name): \(command) does not apply to \(field.kind.expectation)\(FieldAdvice.how(field.kind))")
        }
        return field
    }
}

/// Which command changes a field of a given kind, for error messages.
enum FieldAdvice {
    static func how(_ kind: FieldKind) -> String {
        switch kind.crdt {
        case .register: return "; set it with put"
        case .counter, .set: return ""
        }
    }
}
