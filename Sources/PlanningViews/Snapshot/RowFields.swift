import SyncModel
import SyncStore

/// Typed reads of a row's shown values; nil when the field is unset or of another type.
extension RowView {
    /// A register holding text (also dates, enum members and refs).
    public func text(_ field: String) -> String? {
        if case .value(.text(let s))? = fields[field] { return s }
        return nil
    }

    /// A date register as a ``CalendarDay``; nil when unset or not a date.
    public func day(_ field: String) -> CalendarDay? {
        text(field).flatMap { CalendarDay($0) }
    }

    /// A register holding an integer.
    public func integer(_ field: String) -> Int64? {
        if case .value(.integer(let i))? = fields[field] { return i }
        if case .value(.real(let d))? = fields[field], let i = Int64(exactly: d) { return i }
        return nil
    }

    /// A counter's sum (0 before any `inc`).
    public func counter(_ field: String) -> Int64 {
        if case .counter(let n)? = fields[field] { return n }
        return 0
    }

    /// A set's elements in byte order.
    public func elements(_ field: String) -> [String] {
        if case .set(let e)? = fields[field] { return e }
        return []
    }

    /// Whether the register `field` holds exactly the text `value` (bytes).
    func has(_ field: String, _ value: String) -> Bool {
        text(field).map { ExactText.equal($0, value) } ?? false
    }
}
