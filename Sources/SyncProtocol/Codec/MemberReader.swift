import SyncModel

/// A JSON object key of any name.
struct AnyKey: CodingKey, Hashable {
    let stringValue: String
    let intValue: Int?

    init(_ name: String) {
        stringValue = name
        intValue = nil
    }

    init?(stringValue: String) { self.init(stringValue) }

    init?(intValue: Int) {
        stringValue = String(intValue)
        self.intValue = intValue
    }
}

/// Reads the members of one client message and classifies every failure as a ``WireError``
/// (protocol/PROTOCOL.md, "Decoding a line"): absent member → `missing_field`; wrong JSON type or
/// out of range → `bad_request`; anything wrong inside `ops` → `invalid_op`.
struct MemberReader {
    let container: KeyedDecodingContainer<AnyKey>
    /// The message type, for messages such as "push.since is required".
    let type: String
    /// The request id once read, echoed in errors.
    var id: Int64?

    func has(_ name: String) -> Bool { container.contains(AnyKey(name)) }

    func missing(_ name: String) -> WireError {
        WireError(.missingField, "\(type).\(name) is required", id: id)
    }

    func text(_ name: String) throws(WireError) -> String {
        guard has(name) else { throw missing(name) }
        do { return try container.decode(String.self, forKey: AnyKey(name)) } catch {
            throw WireError(.badRequest, "\(type).\(name) must be a string", id: id)
        }
    }

    /// A whole number within `range` (always within ±2^53).
    func integer(_ name: String, in range: ClosedRange<Int64>) throws(WireError) -> Int64 {
        guard has(name) else { throw missing(name) }
        let bad = WireError(.badRequest, "\(type).\(name) must be a whole number from \(range.lowerBound) to \(range.upperBound)", id: id)
        let value: Int64
        do { value = try container.decode(Int64.self, forKey: AnyKey(name)) } catch { throw bad }
        guard range.contains(value) else { throw bad }
        return value
    }

    func optionalInteger(_ name: String, in range: ClosedRange<Int64>) throws(WireError) -> Int64? {
        guard has(name) else { return nil }
        if (try? container.decodeNil(forKey: AnyKey(name))) == true { return nil }
        return try integer(name, in: range)
    }

    /// The `ops` array; decoding failures name the op index and member.
    func ops(_ name: String) throws(WireError) -> [Op] {
        guard has(name) else { throw missing(name) }
        do {
            return try container.decode([Op].self, forKey: AnyKey(name))
        } catch let error as DecodingError {
            throw classify(error, under: name)
        } catch {
            throw WireError(.invalidOp, "\(type).\(name): \(error)", id: id)
        }
    }

    private func classify(_ error: DecodingError, under name: String) -> WireError {
        switch error {
        case .keyNotFound(let key, let context):
            return WireError(.missingField, "\(type).\(name)\(MemberReader.path(context.codingPath + [key]).dropFirst(name.count + 1)) is required", id: id)
        case .typeMismatch(_, let context) where context.codingPath.count <= 1:
            return WireError(.badRequest, "\(type).\(name) must be an array of ops", id: id)
        case .typeMismatch(_, let context), .valueNotFound(_, let context), .dataCorrupted(let context):
            let detail = context.debugDescription.isEmpty ? "wrong type" : context.debugDescription
            return WireError(.invalidOp, "\(type)\(MemberReader.path(context.codingPath)): \(detail)", id: id)
        @unknown default:
            return WireError(.invalidOp, "\(type).\(name): \(error)", id: id)
        }
    }

    /// `.ops[2].hlc` from a coding path.
    static func path(_ codingPath: [any CodingKey]) -> String {
        codingPath.map { key in key.intValue.map { "[\($0)]" } ?? ".\(key.stringValue)" }.joined()
    }
}
