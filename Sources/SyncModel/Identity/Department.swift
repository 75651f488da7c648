/// Validation of department names: what the daemon binds to a token and stamps on every op that
/// token pushes, shown beside every value a department wrote (DESIGN.md, "Auth"). One rule for the
/// replica's identity, the daemon's token table and the CLI.
///
/// A department is 1 to 128 UTF-8 bytes of text on one line: no control characters (C0, DEL,
/// C1), no line or paragraph separators, no bidirectional overrides (they would make two names
/// look alike or reorder what a terminal shows), and no white space at either end. Names are
/// compared by their bytes (``ExactText``), never normalized.
///
/// ```swift
/// try Department.validate("市场部")      // ok
/// try Department.validate(" sales")     // throws DepartmentError.invalid
/// ```
public enum Department {
    /// Longest accepted name, in UTF-8 bytes.
    public static let maxBytes = 128

    /// Whether `name` is a well-formed department name.
    public static func isValid(_ name: String) -> Bool {
        guard !name.isEmpty, name.utf8.count <= maxBytes else { return false }
        let scalars = name.unicodeScalars
        guard let first = scalars.first, let last = scalars.last,
              !first.properties.isWhitespace, !last.properties.isWhitespace else { return false }
        return scalars.allSatisfy { scalar in
            switch scalar.value {
            case 0x00..<0x20, 0x7F..<0xA0, 0x2028, 0x2029, 0x202A...0x202E, 0x2066...0x2069: return false
            default: return true
            }
        }
    }

    /// Throws ``DepartmentError/invalid(_:)`` unless `name` is a well-formed department name.
    public static func validate(_ name: String) throws(DepartmentError) {
        guard isValid(name) else { throw .invalid(name) }
    }
}

/// A malformed department name.
public enum DepartmentError: Error, Equatable, CustomStringConvertible {
    case invalid(String)

    public var description: String {
        switch self {
        case .invalid(let name):
            return "invalid department \(JSONText.quote(String(name.prefix(80)))): expected 1 to \(Department.maxBytes) bytes of text on one line, without control characters or spaces at either end"
        }
    }
}
