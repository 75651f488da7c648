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

/// ``MessageMembers`` from a Foundation decoder's container: what `ClientMessage: Codable` reads.
struct CodableMembers: MessageMembers {
    let container: KeyedDecodingContainer<AnyKey>

    func contains(_ name: String) -> Bool { container.contains(AnyKey(name)) }

    func isNull(_ name: String) -> Bool { (try? container.decodeNil(forKey: AnyKey(name))) == true }

    func string(_ name: String) -> String? { try? container.decode(String.self, forKey: AnyKey(name)) }

    func int64(_ name: String) -> Int64? { try? container.decode(Int64.self, forKey: AnyKey(name)) }

    func strings(_ name: String) -> [String]? { try? container.decode([String].self, forKey: AnyKey(name)) }

    func ops(_ name: String) throws(JSONReadError) -> [Op] {
        do {
            return try container.decode([Op].self, forKey: AnyKey(name))
        } catch let error as DecodingError {
            throw CodableMembers.readError(error, below: container.codingPath.count + 1)
        } catch {
            throw JSONReadError(.invalid, "\(error)")
        }
    }

    /// A `DecodingError` as the ``JSONReadError`` the wire reader gives for the same failure,
    /// its path cut to what lies below the first `depth` keys.
    static func readError(_ error: DecodingError, below depth: Int) -> JSONReadError {
        func path(_ keys: [any CodingKey]) -> [JSONReadError.PathComponent] {
            keys.dropFirst(depth).map { key in key.intValue.map(JSONReadError.PathComponent.index) ?? .key(key.stringValue) }
        }
        switch error {
        case .keyNotFound(let key, let context):
            return JSONReadError(.missing, context.debugDescription, path: path(context.codingPath + [key]))
        case .typeMismatch(_, let context):
            return JSONReadError(.wrongType, context.debugDescription.isEmpty ? "wrong type" : context.debugDescription, path: path(context.codingPath))
        case .valueNotFound(_, let context):
            return JSONReadError(.null, context.debugDescription.isEmpty ? "wrong type" : context.debugDescription, path: path(context.codingPath))
        case .dataCorrupted(let context):
            return JSONReadError(.invalid, context.debugDescription.isEmpty ? "wrong type" : context.debugDescription, path: path(context.codingPath))
        @unknown default:
            return JSONReadError(.invalid, "\(error)")
        }
    }
}
