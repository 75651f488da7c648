import ArgumentParser
import SyncModel

/// `FIELD ELEMENT` of add and remove.
struct ElementArguments: ParsableArguments {
    @Argument(help: "A set field, e.g. channels.")
    var field: String

    @Argument(help: "The element, e.g. 短视频.")
    var element: String

    /// The set field, or a user error naming the field's kind and the command that changes it.
    func setField(in collection: CollectionSchema, for command: String) throws(CLIError) -> FieldSchema {
        let set = try SchemaLookup(schema: ReplicaAccess.schema).field(field, in: collection, family: .set, for: command)
        guard !element.isEmpty else { throw .user("\(collection.name).\(set.name): the element is empty") }
        return set
    }
}
