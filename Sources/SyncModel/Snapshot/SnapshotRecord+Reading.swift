/// Reading a ``SnapshotRecord`` from its JSON text, strictly: the text comes from the wire or a
/// file, so every member is checked against the schema as an op would be (collection, field and
/// its CRDT family, row id, values, dots, HLCs, version vectors), and a bad record throws a
/// ``JSONReadError`` naming where it is wrong. Member order is free; unknown members are ignored.
extension SnapshotRecord {
    /// The record in `text`, checked against `schema`.
    public static func decode(_ text: String, schema: Schema) throws(JSONReadError) -> SnapshotRecord {
        var text = text
        return try text.withUTF8 { bytes in
            Result { () throws(JSONReadError) -> SnapshotRecord in
                var reader = try JSONReader(validating: bytes)
                return try read(from: &reader, schema: schema)
            }
        }.get()
    }

    /// The record object at the reader's cursor, which moves past it.
    public static func read(from reader: inout JSONReader, schema: Schema) throws(JSONReadError) -> SnapshotRecord {
        guard reader.enterObject() else { throw reader.mismatch(expected: "a snapshot record object") }
        var collection: String?, row: String?
        var deleted: [Sibling]?, vv: VersionVector?
        var fields: [(name: String, state: FieldState)]?
        while let key = reader.nextMember() {
            switch reader.text(key) {
            case "collection": collection = try string(&reader, "collection")
            case "row": row = try string(&reader, "row")
            case "deleted": deleted = try siblings(&reader, "deleted")
            case "fields": fields = try fieldStates(&reader)
            case "vv": vv = try OpJSON.readVersionVector(from: &reader, member: "vv")
            default: reader.skipValue()
            }
        }
        guard let collection else { throw missing("collection") }
        guard let row else { throw missing("row") }
        guard let deleted else { throw missing("deleted") }
        guard let fields else { throw missing("fields") }
        guard let vv else { throw missing("vv") }
        guard let table = schema.collection(collection) else { throw invalid("collection", "unknown collection \"\(collection.prefix(80))\"") }
        do { try Schema.validateRowID(row) } catch { throw invalid("row", error.message) }
        var state = RowState(vv: vv)
        guard let deletedField = table.field(Op.deletedField) else { throw invalid("collection", "\(collection) has no _deleted") }
        for s in deleted {
            guard case .bool = s.value, s.context != nil else { throw invalid("deleted", "\(s.dot): a _deleted sibling holds true or false and a context") }
            try check(schema, s.value, deletedField, "\(collection)._deleted")
        }
        state.deleted = try register(deleted, "deleted")
        for (name, field) in fields {
            guard !ExactText.equal(name, Op.deletedField), let declared = table.field(name) else {
                throw invalid("fields", "\(collection): unknown field \"\(name.prefix(80))\"")
            }
            guard state.fields[declared.name] == nil else { throw invalid("fields", "\(collection).\(name) appears twice") }
            switch (declared.kind.crdt, field) {
            case (.register, .register(let r)):
                for s in r.siblings {
                    guard s.context == nil else { throw invalid("fields", "\(collection).\(name): only _deleted carries a context") }
                    try check(schema, s.value, declared, "\(collection).\(name)")
                }
                guard !r.siblings.isEmpty else { throw invalid("fields", "\(collection).\(name): a written register has a sibling") }
            case (.counter, .counter), (.set, .set):
                break
            default:
                throw invalid("fields", "\(collection).\(name): the state is not of \(declared.kind.expectation)")
            }
            state.fields[declared.name] = field
        }
        return SnapshotRecord(collection: collection, row: row, state: state)
    }

    // MARK: Parts

    private static func missing(_ member: String) -> JSONReadError {
        JSONReadError(.missing, "\"\(member)\" is required", path: [.key(member)])
    }

    private static func invalid(_ member: String, _ detail: String) -> JSONReadError {
        JSONReadError(.invalid, detail, path: [.key(member)])
    }

    private static func check(_ schema: Schema, _ value: Value, _ field: FieldSchema, _ path: String) throws(JSONReadError) {
        do { try schema.validate(value, for: field, path: path) } catch { throw invalid(field.name, error.message) }
    }

    private static func string(_ reader: inout JSONReader, _ member: String) throws(JSONReadError) -> String {
        guard let s = reader.readString() else { throw reader.mismatch(expected: "a string").under(.key(member)) }
        return s
    }

    /// A register of siblings with distinct dots.
    private static func register(_ siblings: [Sibling], _ member: String) throws(JSONReadError) -> MultiValueRegister {
        guard Set(siblings.map(\.dot)).count == siblings.count else { throw invalid(member, "a sibling dot appears twice") }
        return MultiValueRegister(siblings: siblings)
    }

    private static func siblings(_ reader: inout JSONReader, _ member: String) throws(JSONReadError) -> [Sibling] {
        guard reader.enterArray() else { throw reader.mismatch(expected: "an array of siblings").under(.key(member)) }
        var out: [Sibling] = []
        while reader.nextElement() {
            do throws(JSONReadError) { out.append(try sibling(&reader)) } catch { throw error.under(.index(out.count)).under(.key(member)) }
        }
        return out
    }

    private static func sibling(_ reader: inout JSONReader) throws(JSONReadError) -> Sibling {
        guard reader.enterObject() else { throw reader.mismatch(expected: "a sibling object") }
        var dot: Dot?, hlc: HLCTimestamp?, value: Value?, context: VersionVector?, department: String?
        while let key = reader.nextMember() {
            switch reader.text(key) {
            case "dot":
                let text = try string(&reader, "dot")
                guard let parsed = Dot(parsing: text) else { throw invalid("dot", "invalid dot \"\(text.prefix(80))\"") }
                dot = parsed
            case "hlc":
                let text = try string(&reader, "hlc")
                guard let parsed = HLCTimestamp(parsing: text) else { throw invalid("hlc", "invalid hlc \"\(text.prefix(80))\"") }
                hlc = parsed
            case "value": value = try OpJSON.readValue(from: &reader, member: "value")
            case "context": context = try OpJSON.readVersionVector(from: &reader, member: "context")
            case "department": department = try string(&reader, "department")
            default: reader.skipValue()
            }
        }
        guard let dot else { throw missing("dot") }
        guard let hlc else { throw missing("hlc") }
        guard let value else { throw missing("value") }
        return Sibling(dot: dot, hlc: hlc, value: value, context: context, department: department)
    }

    private static func fieldStates(_ reader: inout JSONReader) throws(JSONReadError) -> [(name: String, state: FieldState)] {
        guard reader.enterArray() else { throw reader.mismatch(expected: "an array of fields").under(.key("fields")) }
        var out: [(name: String, state: FieldState)] = []
        while reader.nextElement() {
            do throws(JSONReadError) { out.append(try fieldState(&reader)) } catch { throw error.under(.index(out.count)).under(.key("fields")) }
        }
        return out
    }

    private static func fieldState(_ reader: inout JSONReader) throws(JSONReadError) -> (name: String, state: FieldState) {
        guard reader.enterObject() else { throw reader.mismatch(expected: "a field object") }
        var name: String?
        var states: [FieldState] = []
        while let key = reader.nextMember() {
            switch reader.text(key) {
            case "name": name = try string(&reader, "name")
            case "register": states.append(.register(try register(try siblings(&reader, "register"), "register")))
            case "counter":
                guard let n = reader.readNumber() else { throw reader.mismatch(expected: "an integer").under(.key("counter")) }
                guard let sum = reader.int64(n) else { throw invalid("counter", "a counter sum is a 64-bit integer") }
                states.append(.counter(PNCounter(value: sum)))
            case "set": states.append(.set(try tags(&reader)))
            default: reader.skipValue()
            }
        }
        guard let name else { throw missing("name") }
        guard states.count == 1, let state = states.first else { throw invalid(name, "a field holds one of register, counter or set") }
        return (name, state)
    }

    private static func tags(_ reader: inout JSONReader) throws(JSONReadError) -> ORSet {
        guard reader.enterArray() else { throw reader.mismatch(expected: "an array of set tags").under(.key("set")) }
        var tags: [ExactText: Set<Dot>] = [:]
        var index = 0
        while reader.nextElement() {
            guard reader.enterObject() else { throw reader.mismatch(expected: "a set tag object").under(.index(index)).under(.key("set")) }
            var element: String?, dots: [Dot]?
            while let key = reader.nextMember() {
                switch reader.text(key) {
                case "element": element = try string(&reader, "element")
                case "dots": dots = try OpJSON.readDots(from: &reader, member: "dots")
                default: reader.skipValue()
                }
            }
            guard let element, let dots, !dots.isEmpty else { throw invalid("set", "a set tag holds an element and its add dots") }
            guard element.utf8.count <= Schema.maxTextBytes else { throw invalid("set", "an element of \(element.utf8.count) bytes is over the limit") }
            guard tags[ExactText(element)] == nil else { throw invalid("set", "the element \(JSONText.quote(String(element.prefix(40)))) appears twice") }
            tags[ExactText(element)] = Set(dots)
            index += 1
        }
        return ORSet(tags: tags)
    }
}
