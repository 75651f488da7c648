/// One declared field of a collection.
public struct FieldSchema: Hashable, Sendable {
    public let name: String
    public let kind: FieldKind

    public init(_ name: String, _ kind: FieldKind) {
        self.name = name
        self.kind = kind
    }
}

/// A collection: a table of rows with declared fields. Every collection also has the bool register
/// ``Op/deletedField`` (`_deleted`), which is not listed in ``fields``.
public struct CollectionSchema: Hashable, Sendable {
    public let name: String
    /// Declared fields, in display order.
    public let fields: [FieldSchema]
    private let index: [ExactText: FieldSchema]

    public init(_ name: String, _ fields: [FieldSchema]) {
        self.name = name
        self.fields = fields
        var index: [ExactText: FieldSchema] = [:]
        for f in fields { index[ExactText(f.name)] = f }
        index[ExactText(Op.deletedField)] = FieldSchema(Op.deletedField, .bool)
        self.index = index
    }

    /// The field named exactly `name` (UTF-8 bytes), `_deleted` included; nil if undeclared.
    public func field(_ name: String) -> FieldSchema? { index[ExactText(name)] }
}

/// A schema: the collections a replica holds and their fields, with a version that clients send in `hello`.
///
/// ```swift
/// let schema = Schema(version: 1, collections: [
///     CollectionSchema("projects", [FieldSchema("name", .text), FieldSchema("budget_spent", .counter)]),
/// ])
/// try schema.validate(op)   // throws ValidationError naming collection, field and what was expected
/// ```
public struct Schema: Hashable, Sendable {
    /// Longest text value or set element, in UTF-8 bytes (64 KiB).
    public static let maxTextBytes = 64 * 1024
    /// Longest row id, in UTF-8 bytes.
    public static let maxRowIDBytes = 128

    public let version: Int
    /// Collections in display order.
    public let collections: [CollectionSchema]
    private let index: [ExactText: CollectionSchema]

    public init(version: Int, collections: [CollectionSchema]) {
        self.version = version
        self.collections = collections
        var index: [ExactText: CollectionSchema] = [:]
        for c in collections { index[ExactText(c.name)] = c }
        self.index = index
    }

    /// The collection named exactly `name` (UTF-8 bytes), nil if undeclared.
    public func collection(_ name: String) -> CollectionSchema? { index[ExactText(name)] }
}
