/// Validation of values and ops against a ``Schema``. Pure functions: they read nothing but the schema.
extension Schema {
    /// Checks that `op` names a declared collection and field, has the kind the field merges with,
    /// and carries a valid value, delta or element. Throws ``ValidationError``.
    public func validate(_ op: Op) throws(ValidationError) {
        guard let collection = collection(op.collection) else {
            throw ValidationError("unknown collection \"\(op.collection.prefix(80))\"; known: " + collections.map(\.name).joined(separator: ", "))
        }
        try Schema.validateRowID(op.row)
        guard let field = collection.field(op.field) else {
            throw ValidationError("\(collection.name): unknown field \"\(op.field.prefix(80))\"; known: " + collection.fields.map(\.name).joined(separator: ", "))
        }
        // The message prefix, built only for a refused op (most ops pass).
        func path() -> String { "\(collection.name).\(field.name)" }
        guard field.kind.acceptedOps.contains(op.kind) else {
            throw ValidationError("\(path()): \(op.kind.rawValue) does not apply to \(field.kind.expectation)")
        }
        switch op.kind {
        case .set:
            try validate(op.value ?? .null, for: field, path: path())
            if field.name == Op.deletedField {
                guard op.value != .null else { throw ValidationError("\(path()): expected true or false") }
                guard op.context != nil else { throw ValidationError("\(path()): a set of _deleted needs a context") }
            } else if op.context != nil {
                throw ValidationError("\(path()): only _deleted carries a context")
            }
        case .inc:
            guard let d = op.delta, d.magnitude <= Dot.maxSeq else { throw ValidationError("\(path()): delta beyond ±2^53") }
        case .add, .remove:
            try Schema.validateText(op.element ?? "", path: path())
        }
    }

    /// ``validate(_:)`` plus the rules for ops made from now on, which ops already in a log may
    /// predate: admission and local writes check these, while applying a pulled op checks only
    /// ``validate(_:)``, so a stored op never stops a replica from catching up.
    ///
    /// The rule: no text may contain U+0000, neither a set element nor a register value. Both end
    /// up as SQLite text in the readable tables, which `sqlite3` and C readers cut at the first NUL,
    /// so a value would be shown shortened or altered. Throws ``ValidationError``.
    public func validateNew(_ op: Op) throws(ValidationError) {
        try validate(op)
        if let element = op.element, element.utf8.contains(0) {
            throw ValidationError("\(op.collection).\(op.field): a set element may not contain U+0000 (NUL)")
        }
        if case .text(let text)? = op.value, text.utf8.contains(0) {
            throw ValidationError("\(op.collection).\(op.field): a text may not contain U+0000 (NUL)")
        }
    }

    /// Checks one register value for `field`; `null` clears any register but `_deleted`. `path`
    /// (`collection.field`) prefixes the message.
    public func validate(_ value: Value, for field: FieldSchema, path: String) throws(ValidationError) {
        if value == .null { return }
        // Built only when a value is refused: most values pass, and the message costs more than the check.
        var bad: ValidationError { ValidationError("\(path): \(value.jsonText.prefix(80)) is not \(field.kind.expectation)") }
        switch (field.kind, value) {
        case (.text, .text(let s)):
            try Schema.validateText(s, path: path)
        case (.integer(let range), .integer(let i)):
            guard range.contains(i) else {
                throw ValidationError("\(path): \(i) is out of range \(range.lowerBound) to \(range.upperBound)")
            }
        case (.real, .integer(let i)):
            guard i.magnitude <= Dot.maxSeq else { throw bad }   // no JSON number beyond ±2^53
        case (.real, .real(let d)):
            guard d.isFinite, d.magnitude <= Double(Dot.maxSeq) else { throw bad }
        case (.bool, .bool):
            return
        case (.date, .text(let s)):
            guard CalendarText.isDate(s) else { throw bad }
        case (.datetime, .text(let s)):
            guard CalendarText.isDateTime(s) else { throw bad }
        case (.enumeration(let members), .text(let s)):
            guard members.contains(where: { ExactText.equal($0, s) }) else { throw bad }   // U+212A KELVIN SIGN is not "K"
        case (.ref, .text(let s)):
            do { try Schema.validateRowID(s) } catch { throw bad }
        default:
            throw bad
        }
    }

    /// Row ids: 1 to 128 bytes of printable text without spaces.
    public static func validateRowID(_ id: String) throws(ValidationError) {
        guard !id.isEmpty, id.utf8.count <= maxRowIDBytes, isPrintableASCII(id) || id.unicodeScalars.allSatisfy(isRowIDScalar) else {
            throw ValidationError("invalid row id \"\(id.prefix(80))\": expected 1 to \(maxRowIDBytes) printable characters without spaces")
        }
    }

    /// Whether every byte is visible ASCII (`!` to `~`): the common id, checked without decoding
    /// scalars (the scalar walk was 2.5 % of a remote op's apply instructions).
    static func isPrintableASCII(_ id: String) -> Bool {
        var id = id
        return id.withUTF8 { utf8 in
            for b in utf8 where b <= 0x20 || b >= 0x7F { return false }
            return true
        }
    }

    /// Visible characters only: no controls, no Unicode white space (NBSP, ideographic space …),
    /// no format characters (zero-width and bidi controls), which would make ids that look alike.
    static func isRowIDScalar(_ scalar: Unicode.Scalar) -> Bool {
        if scalar.isASCII { return scalar.value > 0x20 && scalar.value != 0x7F }
        switch scalar.properties.generalCategory {
        case .control, .format, .spaceSeparator, .lineSeparator, .paragraphSeparator, .unassigned, .surrogate, .privateUse:
            return false
        default:
            return !scalar.properties.isWhitespace
        }
    }

    static func validateText(_ s: String, path: String) throws(ValidationError) {
        guard s.utf8.count <= maxTextBytes else {
            throw ValidationError("\(path): text of \(s.utf8.count) bytes is over the limit of \(maxTextBytes)")
        }
    }
}

/// Calendar-valid date and datetime text (RFC 3339 profile of ISO 8601).
public enum CalendarText {
    /// `YYYY-MM-DD` naming a real day of the proleptic Gregorian calendar.
    public static func isDate(_ s: String) -> Bool {
        let b = Array(s.utf8)
        guard b.count == 10, b[4] == UInt8(ascii: "-"), b[7] == UInt8(ascii: "-"),
              let y = number(b, 0, 4), let m = number(b, 5, 2), let d = number(b, 8, 2) else { return false }
        return y >= 1 && (1...12).contains(m) && d >= 1 && d <= daysIn(month: m, year: y)
    }

    /// `YYYY-MM-DDThh:mm:ss[.fraction](Z|±hh:mm)`.
    public static func isDateTime(_ s: String) -> Bool {
        let b = Array(s.utf8)
        guard b.count >= 20, isDate(String(decoding: b[0..<10], as: UTF8.self)),
              b[10] == UInt8(ascii: "T") || b[10] == UInt8(ascii: " "),
              b[13] == UInt8(ascii: ":"), b[16] == UInt8(ascii: ":"),
              let hh = number(b, 11, 2), let mm = number(b, 14, 2), let ss = number(b, 17, 2),
              hh < 24, mm < 60, ss < 61 else { return false }
        var i = 19
        if b[i] == UInt8(ascii: ".") {
            i += 1
            let start = i
            while i < b.count, b[i] >= 48, b[i] <= 57 { i += 1 }
            guard i > start, i - start <= 9 else { return false }
        }
        guard i < b.count else { return false }
        if b[i] == UInt8(ascii: "Z") { return i + 1 == b.count }
        guard b[i] == UInt8(ascii: "+") || b[i] == UInt8(ascii: "-"), b.count == i + 6, b[i + 3] == UInt8(ascii: ":"),
              let oh = number(b, i + 1, 2), let om = number(b, i + 4, 2) else { return false }
        return oh < 24 && om < 60
    }

    static func number(_ b: [UInt8], _ start: Int, _ count: Int) -> Int? {
        var n = 0
        for i in start..<(start + count) {
            guard b[i] >= 48, b[i] <= 57 else { return nil }
            n = n * 10 + Int(b[i] - 48)
        }
        return n
    }

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }
}
