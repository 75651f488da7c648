import SyncModel

/// A field's shown value as read from a replica.
public enum FieldValue: Hashable, Sendable {
    /// A register's winner (`null` before any write).
    case value(Value)
    /// A counter's sum, in the field's unit.
    case counter(Int64)
    /// A set's elements in UTF-8 byte order.
    case set([String])
}
