import ArgumentParser

/// `restore COLLECTION ID`: brings a deleted row back with its newest values.
struct Restore: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Restore a deleted row.")

    @OptionGroup var replica: ReplicaOptions
    @OptionGroup var row: RowArguments

    func run() throws {
        let target = try row.collectionSchema(in: ReplicaAccess.schema)
        try ReplicaAccess.open(replica).restore(target.name, id: row.id)
    }
}
