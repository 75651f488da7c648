import ArgumentParser

/// `add COLLECTION ID FIELD ELEMENT`: adds an element to a set field. An add concurrent with a
/// remove of the same element wins.
struct Add: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Add an element to a set field.")

    @OptionGroup var replica: ReplicaOptions
    @OptionGroup var row: RowArguments
    @OptionGroup var element: ElementArguments

    func run() throws {
        let target = try row.collectionSchema(in: ReplicaAccess.schema)
        let set = try element.setField(in: target, for: "add")
        try ReplicaAccess.open(replica).add(target.name, id: row.id, field: set.name, element: element.element)
    }
}
