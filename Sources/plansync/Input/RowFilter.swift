import SyncModel
import SyncStore

/// The `--where FIELD=VALUE` conditions of `list`, parsed by the schema. Register conditions go
/// to the store's query; set and counter conditions are checked on the rows it returns.
struct RowFilter {
    /// Register field → value, for ``SyncStore/ReplicaStore/rows(_:where:includeDeleted:)``.
    private(set) var registers: [String: Value] = [:]
    private var elements: [String: String] = [:]
    private var counters: [String: Int64] = [:]

    init(_ arguments: [String], in collection: CollectionSchema, schema: Schema) throws(CLIError) {
        let lookup = SchemaLookup(schema: schema)
        for argument in arguments {
            guard let (name, text) = Assignments.split(argument) else {
                throw .user("--where: expected FIELD=VALUE, got \(JSONText.quote(String(argument.prefix(80))))")
            }
            let field = try lookup.field(name, in: collection)
            guard registers[name] == nil, elements[name] == nil, counters[name] == nil else {
                throw .user("--where: \(collection.name).\(name) given twice")
            }
            switch field.kind.crdt {
            case .register:
                do { registers[name] = try schema.parse(text, for: name, in: collection.name) } catch { throw .user(error.message) }
            case .set:
                elements[name] = text
            case .counter:
                guard let n = Int64(text) else { throw .user("--where: \(collection.name).\(name): \(JSONText.quote(String(text.prefix(80)))) is not a whole number") }
                counters[name] = n
            }
        }
    }

    /// Whether the row meets the set and counter conditions (registers are matched by the store).
    func matches(_ row: RowView) -> Bool {
        for (name, element) in elements {
            guard case .set(let present)? = row.fields[name], present.contains(where: { ExactText.equal($0, element) }) else { return false }
        }
        for (name, n) in counters {
            guard case .counter(let sum)? = row.fields[name], sum == n else { return false }
        }
        return true
    }
}
