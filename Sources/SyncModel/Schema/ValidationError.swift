/// Why a value or an op does not fit the schema. The message names the collection, the field and
/// what was expected, for example `projects.end: "2027-02-30" is not a date YYYY-MM-DD`.
/// On the wire it is the error code `invalid_op`.
public struct ValidationError: Error, Equatable, Sendable, CustomStringConvertible {
    public let message: String

    public init(_ message: String) { self.message = message }

    public var description: String { message }
}
