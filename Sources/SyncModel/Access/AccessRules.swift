/// Which departments may read and write which collections and fields (DESIGN.md, "Deployment
/// additions": access rules). A pure value: the daemon reads it from its rules file, checks pushes
/// and filters pages with it, and sends the entries that concern a department in `welcome`, where
/// the laptop keeps them to refuse forbidden local writes early.
///
/// Meaning: a collection or field that no entry names is read and written by every department.
/// A department may write an op of collection `C`, field `F` when it may read `C`, the entry
/// `C.write` (if any) lists it, and the entry `C.fields.F.write` (if any) lists it. Names are
/// compared by their UTF-8 bytes (``ExactText``).
///
/// ```swift
/// let rules = AccessRules([
///     .init(collection: "incentives", access: .read, departments: ["hr", "finance", "planning"]),
///     .init(collection: "incentives", access: .write, departments: ["hr"]),
///     .init(collection: "projects", field: "budget_planned", access: .write, departments: ["finance", "planning"]),
/// ])
/// rules.mayRead("marketing", "incentives")                       // false
/// rules.writeDenial("marketing", "projects", "budget_planned")   // the entry that forbids it
/// ```
public struct AccessRules: Sendable, Equatable {
    /// What an entry governs.
    public enum Access: String, Sendable, Hashable, Codable {
        case read, write
    }

    /// One rule: the departments that may read or write a collection, or write one field of it.
    public struct Entry: Sendable, Hashable, Codable, CustomStringConvertible {
        public var collection: String
        /// The field of a field entry (write only); nil for a collection entry.
        public var field: String?
        public var access: Access
        /// The departments allowed, in the order written.
        public var departments: [String]

        public init(collection: String, field: String? = nil, access: Access, departments: [String]) {
            self.collection = collection
            self.field = field
            self.access = access
            self.departments = departments
        }

        /// Whether `department` is listed (UTF-8 bytes).
        public func allows(_ department: String) -> Bool {
            departments.contains { ExactText.equal($0, department) }
        }

        /// Where the entry sits in the rules file, e.g. `collections.projects.fields.budget_planned.write`.
        public var place: String {
            var text = "collections.\(collection)"
            if let field { text += ".fields.\(field)" }
            return text + ".\(access.rawValue)"
        }

        /// The entry as the rules file writes it: `collections.incentives.write = ["hr"]`.
        public var description: String {
            place + " = [" + departments.map(JSONText.quote).joined(separator: ", ") + "]"
        }
    }

    private struct Key: Hashable {
        let collection: ExactText
        let field: ExactText?
        let access: Access
    }

    /// Every entry, in canonical order (collection, field, access; byte order).
    public let entries: [Entry]
    private let index: [Key: Entry]

    /// No rules: everyone reads and writes everything.
    public static let open = AccessRules([])

    /// Rules of `entries`; of two entries for the same place, the later wins.
    public init(_ entries: [Entry]) {
        var index: [Key: Entry] = [:]
        for e in entries {
            index[Key(collection: ExactText(e.collection), field: e.field.map { ExactText($0) }, access: e.access)] = e
        }
        self.index = index
        self.entries = index.values.sorted(by: AccessRules.canonicalOrder)
    }

    /// Collection, then field (collection entries first), then access; texts in byte order.
    private static func canonicalOrder(_ a: Entry, _ b: Entry) -> Bool {
        if !ExactText.equal(a.collection, b.collection) { return ExactText.less(a.collection, b.collection) }
        switch (a.field, b.field) {
        case (nil, .some): return true
        case (.some, nil): return false
        case (let x?, let y?) where !ExactText.equal(x, y): return ExactText.less(x, y)
        default: return a.access.rawValue < b.access.rawValue
        }
    }

    /// Whether there are no entries (everyone reads and writes everything).
    public var isOpen: Bool { entries.isEmpty }

    /// The entry for a place, nil when none names it.
    public func entry(_ collection: String, field: String? = nil, _ access: Access) -> Entry? {
        index[Key(collection: ExactText(collection), field: field.map { ExactText($0) }, access: access)]
    }

    /// Whether `department` may read `collection`: its ops, rows and elements.
    public func mayRead(_ department: String, _ collection: String) -> Bool {
        entry(collection, .read)?.allows(department) ?? true
    }

    /// The entry that forbids `department` to write `field` of `collection`, nil when allowed.
    /// Checked in order: the collection's read entry, its write entry, the field's write entry.
    public func writeDenial(_ department: String, _ collection: String, _ field: String) -> Entry? {
        for e in [entry(collection, .read), entry(collection, .write), entry(collection, field: field, .write)] {
            if let e, !e.allows(department) { return e }
        }
        return nil
    }

    /// Write entries that list departments the collection's read entry leaves out, with those
    /// departments: they may not write there after all (writing needs reading), which a rules file
    /// may say by mistake. `plansyncd rules check` prints them as notes.
    /// ```swift
    /// AccessRules([.init(collection: "goals", access: .read, departments: ["planning"]),
    ///              .init(collection: "goals", access: .write, departments: ["planning", "sales"])])
    ///     .writersWhoMayNotRead   // [(goals.write entry, ["sales"])]
    /// ```
    public var writersWhoMayNotRead: [(entry: Entry, departments: [String])] {
        entries.compactMap { e in
            guard e.access == .write, let read = entry(e.collection, .read) else { return nil }
            let left = e.departments.filter { !read.allows($0) }
            return left.isEmpty ? nil : (e, left)
        }
    }

    /// Department names of the entries that are canonically equivalent Unicode yet differ in
    /// bytes (`"café"` precomposed and decomposed), each group in byte order: the rules compare
    /// bytes, so these are different departments that look the same on screen, which a rules file
    /// may hold by mistake. `plansyncd rules check` prints them as notes, with their scalars.
    /// ```swift
    /// AccessRules([.init(collection: "goals", access: .read, departments: ["caf\u{E9}", "cafe\u{301}"])])
    ///     .lookAlikeDepartments   // [["cafe\u{301}", "caf\u{E9}"]]
    /// ```
    public var lookAlikeDepartments: [[String]] {
        let forms = Set(entries.flatMap { entry in entry.departments.map { ExactText($0) } })
        // Swift's `String` equality is canonical equivalence: a group holds the byte forms of one text.
        let groups = Dictionary(grouping: forms) { (form: ExactText) in form.string }
        return groups.values.filter { $0.count > 1 }
            .map { group in group.sorted().map { $0.string } }
            .sorted { ExactText($0[0]) < ExactText($1[0]) }
    }

    /// The entries that deny `department` something: what its laptop needs to know. The subset
    /// answers ``mayRead(_:_:)`` and ``writeDenial(_:_:_:)`` for `department` as the whole does.
    public func concerning(_ department: String) -> AccessRules {
        AccessRules(entries.filter { !$0.allows(department) })
    }

    /// A short, stable version of the rules: 16 hex digits of a 64-bit FNV-1a hash of their
    /// canonical JSON. Equal rules have equal versions everywhere; no rules have version
    /// `"0000000000000000"`.
    public var version: String {
        guard !isOpen else { return String(repeating: "0", count: 16) }
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in jsonBytes() {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01b3
        }
        return Hex.text(hash)
    }
}
