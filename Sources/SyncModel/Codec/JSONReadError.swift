/// Why JSON text could not be read as the expected shape. The kinds follow Foundation's
/// `DecodingError` cases, so that callers classify failures as they did with `JSONDecoder`.
///
/// ```swift
/// do { _ = try OpJSON.decode(text) } catch {
///     error.kind   // .missing
///     error.path   // [.key("hlc")]
/// }
/// ```
public struct JSONReadError: Error, Hashable, Sendable, CustomStringConvertible {
    public enum Kind: Hashable, Sendable {
        /// Not one RFC 8259 JSON text in UTF-8, or nested deeper than ``JSONSyntax/maxDepth``
        /// (`DecodingError.dataCorrupted` at the top).
        case syntax
        /// A required member is absent; the path ends with it (`keyNotFound`).
        case missing
        /// A value of another JSON type (`typeMismatch`).
        case wrongType
        /// `null` where a value is required (`valueNotFound`).
        case null
        /// The right JSON type with unacceptable content: a bad dot, hlc, node id, or a number
        /// out of range (`dataCorrupted`).
        case invalid
    }

    /// One step of a path: a member name or an array index.
    public enum PathComponent: Hashable, Sendable {
        case key(String)
        case index(Int)
    }

    public var kind: Kind
    /// Where, from the value being read: `[.key("ops"), .index(2), .key("hlc")]`.
    public var path: [PathComponent]
    /// What is wrong, for people.
    public var detail: String

    public init(_ kind: Kind, _ detail: String, path: [PathComponent] = []) {
        self.kind = kind
        self.detail = detail
        self.path = path
    }

    /// The same error seen from one level up (`under` prepended to the path).
    public func under(_ component: PathComponent) -> JSONReadError {
        var copy = self
        copy.path.insert(component, at: 0)
        return copy
    }

    /// `.ops[2].hlc`
    public var pathText: String {
        path.map { component in
            switch component {
            case .key(let name): ".\(name)"
            case .index(let i): "[\(i)]"
            }
        }.joined()
    }

    public var description: String { path.isEmpty ? detail : "\(pathText.dropFirst()): \(detail)" }
}
