/// A schema as the machine-readable JSON document that protocol/schema.json publishes, so a
/// client written from the protocol alone knows every collection, field, kind and value format.
///
/// Shape (members in this order, two-space indentation, one field per line, `\n` line ends):
/// ```json
/// {
///   "schema": 1,
///   "limits": {"text_bytes": 65536, "row_id_bytes": 128, "number_magnitude": 9007199254740992},
///   "collections": [
///     {"name": "projects", "fields": [
///       {"name": "name", "kind": "text"},
///       {"name": "status", "kind": "enum", "members": ["planning", "active"]},
///       {"name": "budget_planned", "kind": "integer", "min": -9007199254740992, "max": 9007199254740992},
///       {"name": "owner_department", "kind": "ref", "collection": "departments"},
///       {"name": "budget_spent", "kind": "counter"},
///       {"name": "channels", "kind": "set"},
///       {"name": "_deleted", "kind": "bool"}
///     ]}
///   ]
/// }
/// ```
/// Kinds: `text`, `integer` (with `min`/`max`), `real`, `bool`, `date` (`YYYY-MM-DD`),
/// `datetime`, `enum` (with `members`), `ref` (with `collection`), `counter` (PN-counter, `inc`)
/// and `set` (observed-remove set of text, `add`/`remove`). Every collection ends with `_deleted`.
public enum SchemaDocument {
    /// The document's UTF-8 text, ending with a line feed.
    public static func text(of schema: Schema) -> String {
        var out = JSONOutput()
        out.raw("{\n  \"schema\": ")
        out.integer(Int64(schema.version))
        out.raw(",\n  \"limits\": {\"text_bytes\": ")
        out.integer(Int64(Schema.maxTextBytes))
        out.raw(", \"row_id_bytes\": ")
        out.integer(Int64(Schema.maxRowIDBytes))
        out.raw(", \"number_magnitude\": ")
        out.unsigned(NumberText.limit)
        out.raw("},\n  \"collections\": [\n")
        for (c, collection) in schema.collections.enumerated() {
            out.raw("    {\"name\": ")
            out.string(collection.name)
            out.raw(", \"fields\": [\n")
            let fields = collection.fields + [FieldSchema(Op.deletedField, .bool)]
            for (f, field) in fields.enumerated() {
                out.raw("      {\"name\": ")
                out.string(field.name)
                write(field.kind, into: &out)
                out.raw(f == fields.count - 1 ? "}\n" : "},\n")
            }
            out.raw(c == schema.collections.count - 1 ? "    ]}\n" : "    ]},\n")
        }
        out.raw("  ]\n}\n")
        return String(decoding: out.bytes, as: UTF8.self)
    }

    private static func write(_ kind: FieldKind, into out: inout JSONOutput) {
        out.raw(", \"kind\": ")
        switch kind {
        case .text: out.raw("\"text\"")
        case .integer(let range):
            out.raw("\"integer\", \"min\": ")
            out.integer(range.lowerBound)
            out.raw(", \"max\": ")
            out.integer(range.upperBound)
        case .real: out.raw("\"real\"")
        case .bool: out.raw("\"bool\"")
        case .date: out.raw("\"date\"")
        case .datetime: out.raw("\"datetime\"")
        case .enumeration(let members):
            out.raw("\"enum\", \"members\": [")
            for (i, m) in members.enumerated() {
                if i > 0 { out.raw(", ") }
                out.string(m)
            }
            out.raw("]")
        case .ref(let target):
            out.raw("\"ref\", \"collection\": ")
            out.string(target)
        case .counter: out.raw("\"counter\"")
        case .textSet: out.raw("\"set\"")
        }
    }
}
