import ArgumentParser

/// `remove COLLECTION ID FIELD ELEMENT`: removes an element this replica sees from a set field.
struct Remove: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Remove an element from a set field.")

    @OptionGroup var replica: ReplicaOptions
    @OptionGroup var row: RowArguments
    @OptionGroup var element: ElementArguments

    func run() throws {
        let target = try row.collectionSchema(in: ReplicaAccess.schema)
        let set = try element.setField(in: target, for: "remove")
        try ReplicaAccess.open(replica).remove(target.name, id: row.id, field: set.name, element: element.element)
    }
}
