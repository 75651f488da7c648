import SyncModel

/// The members of one client line's top-level object, as ``MemberReader`` asks for them:
/// ``LineMembers`` (the reader of the wire) conforms, and the tests' Foundation oracle does too,
/// so the message rules (`ClientMessage.read`) exist once.
protocol MessageMembers {
    /// Whether the member is present (even as `null`).
    mutating func contains(_ name: String) -> Bool
    /// Whether the member is present and `null`.
    mutating func isNull(_ name: String) -> Bool
    /// The member as a string; nil when it is not one.
    mutating func string(_ name: String) -> String?
    /// The member as a whole number within Int64; nil when it is not one.
    mutating func int64(_ name: String) -> Int64?
    /// The member as an array of strings; nil when it is not one.
    mutating func strings(_ name: String) -> [String]?
    /// The member as an array of ops; failures carry the path below the member.
    mutating func ops(_ name: String) throws(JSONReadError) -> [Op]
    /// The member as a snapshot key, an object of two strings `collection` and `row`; nil when it
    /// is not one.
    mutating func snapshotKey(_ name: String) -> SnapshotKey?
}

/// Reads the members of one client message and classifies every failure as a ``WireError``
/// (protocol/PROTOCOL.md, "Error codes"): absent member → `missing_field`; wrong JSON type or
/// out of range → `bad_request`; anything wrong inside `ops` → `invalid_op`.
struct MemberReader<Members: MessageMembers> {
    var members: Members
    /// The message type, for messages such as "push.since is required".
    let type: String
    /// The request id once read, echoed in errors.
    var id: Int64?

    init(_ members: Members, type: String) {
        self.members = members
        self.type = type
    }

    func missing(_ name: String) -> WireError {
        WireError(.missingField, "\(type).\(name) is required", id: id)
    }

    mutating func text(_ name: String) throws(WireError) -> String {
        guard members.contains(name) else { throw missing(name) }
        guard let text = members.string(name) else { throw WireError(.badRequest, "\(type).\(name) must be a string", id: id) }
        return text
    }

    /// A whole number within `range` (always within ±2^53).
    mutating func integer(_ name: String, in range: ClosedRange<Int64>) throws(WireError) -> Int64 {
        guard members.contains(name) else { throw missing(name) }
        guard let value = members.int64(name), range.contains(value) else {
            throw WireError(.badRequest, "\(type).\(name) must be a whole number from \(range.lowerBound) to \(range.upperBound)", id: id)
        }
        return value
    }

    mutating func optionalInteger(_ name: String, in range: ClosedRange<Int64>) throws(WireError) -> Int64? {
        guard members.contains(name), !members.isNull(name) else { return nil }
        return try integer(name, in: range)
    }

    /// An optional array of strings: nil when absent or `null`, `bad_request` when of another type.
    mutating func optionalStrings(_ name: String) throws(WireError) -> [String]? {
        guard members.contains(name), !members.isNull(name) else { return nil }
        guard let strings = members.strings(name) else { throw WireError(.badRequest, "\(type).\(name) must be an array of strings", id: id) }
        return strings
    }

    /// An optional snapshot key (`snapshot.after`): absent or `null` is nil.
    mutating func snapshotKey(_ name: String) throws(WireError) -> SnapshotKey? {
        guard members.contains(name), !members.isNull(name) else { return nil }
        guard let key = members.snapshotKey(name) else {
            throw WireError(.badRequest, "\(type).\(name) must be an object with the strings collection and row", id: id)
        }
        return key
    }

    /// The `ops` array; decoding failures name the op index and member.
    mutating func ops(_ name: String) throws(WireError) -> [Op] {
        guard members.contains(name) else { throw missing(name) }
        do {
            return try members.ops(name)
        } catch {
            throw classify(error, under: name)
        }
    }

    private func classify(_ error: JSONReadError, under name: String) -> WireError {
        switch error.kind {
        case .missing:
            return WireError(.missingField, "\(type).\(name)\(error.pathText) is required", id: id)
        case .wrongType where error.path.isEmpty:
            return WireError(.badRequest, "\(type).\(name) must be an array of ops", id: id)
        case .syntax:
            return WireError(.badJSON, "the line is not JSON: \(error.detail)", id: id)
        case .wrongType, .null, .invalid:
            return WireError(.invalidOp, "\(type).\(name)\(error.pathText): \(error.detail)", id: id)
        }
    }
}
