import ArgumentParser

/// `delete COLLECTION ID`: marks a row deleted. It stays in the replica (restore brings it back);
/// an edit made elsewhere without seeing the delete becomes an `edit_on_deleted` conflict.
struct Delete: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Delete a row (it can be restored).")

    @OptionGroup var replica: ReplicaOptions
    @OptionGroup var row: RowArguments

    func run() throws {
        let target = try row.collectionSchema(in: ReplicaAccess.schema)
        try ReplicaAccess.open(replica).delete(target.name, id: row.id)
    }
}
