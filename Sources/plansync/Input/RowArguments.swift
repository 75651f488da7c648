import ArgumentParser
import SyncModel

/// `COLLECTION ID`, the address of one row, shared by get, delete, restore, inc, add and remove.
struct RowArguments: ParsableArguments {
    @Argument(help: "The collection, e.g. projects.")
    var collection: String

    @Argument(help: "The row's id, as printed by put or list.")
    var id: String

    /// The collection's schema, or a user error listing the known collections.
    func collectionSchema(in schema: Schema) throws(CLIError) -> CollectionSchema {
        try SchemaLookup(schema: schema).collection(collection)
    }
}
