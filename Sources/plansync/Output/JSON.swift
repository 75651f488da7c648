import SyncModel

/// A JSON document for `--json` output, rendered with sorted keys so output is stable and diffable.
///
/// Numbers keep their type: counters and integers print as integers, reals with a fraction or
/// exponent. Strings are escaped per RFC 8259 and keep non-ASCII text as is (readable CJK).
/// ```swift
/// JSON.object(["id": .string("7f3c"), "deleted": .bool(false)]).render()
/// // {
/// //   "deleted": false,
/// //   "id": "7f3c"
/// // }
/// ```
enum JSON: Equatable {
    case null
    case bool(Bool)
    case integer(Int64)
    case real(Double)
    case string(String)
    case array([JSON])
    case object([String: JSON])

    /// A register value as its JSON type.
    init(_ value: Value) {
        switch value {
        case .null: self = .null
        case .bool(let b): self = .bool(b)
        case .integer(let i): self = .integer(i)
        case .real(let d): self = .real(d)
        case .text(let s): self = .string(s)
        }
    }

    /// Pretty text with two-space indentation and sorted keys, without a final newline.
    func render() -> String {
        var out = ""
        write(into: &out, indent: 0)
        return out
    }

    private func write(into out: inout String, indent: Int) {
        switch self {
        case .null: out += "null"
        case .bool(let b): out += b ? "true" : "false"
        case .integer(let i): out += String(i)
        case .real(let d): out += d.isFinite ? d.description : "null"
        case .string(let s): out += JSONText.quote(s)
        case .array(let items):
            if items.isEmpty { out += "[]"; return }
            out += "[\n"
            for (i, item) in items.enumerated() {
                out += String(repeating: " ", count: indent + 2)
                item.write(into: &out, indent: indent + 2)
                out += i == items.count - 1 ? "\n" : ",\n"
            }
            out += String(repeating: " ", count: indent) + "]"
        case .object(let members):
            if members.isEmpty { out += "{}"; return }
            out += "{\n"
            let keys = members.keys.sorted(by: ExactText.less)
            for (i, key) in keys.enumerated() {
                out += String(repeating: " ", count: indent + 2) + JSONText.quote(key) + ": "
                members[key]!.write(into: &out, indent: indent + 2) // key comes from the same dictionary
                out += i == keys.count - 1 ? "\n" : ",\n"
            }
            out += String(repeating: " ", count: indent) + "}"
        }
    }
}
