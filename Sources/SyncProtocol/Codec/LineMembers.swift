import SyncModel

/// ``MessageMembers`` read straight from a validated line with ``SyncModel/JSONReader``: the
/// top-level keys and where their values start (the first of repeated keys wins, as with
/// Foundation), then each value read on demand with Foundation's number rules.
struct LineMembers: MessageMembers {
    private var reader: JSONReader
    private var keys: [(key: JSONReader.RawString, value: Int)] = []

    /// The members of the object at the reader's cursor; nil when the value there is not an object.
    init?(_ reader: JSONReader) {
        self.reader = reader
        guard self.reader.enterObject() else { return nil }
        while let key = self.reader.nextMember() {
            keys.append((key, self.reader.position))
            self.reader.skipValue()
        }
    }

    /// Moves the cursor to the member's value; false when it is absent.
    private mutating func seek(_ name: String) -> Bool {
        for (key, value) in keys where reader.matches(key, name) {
            reader.position = value
            return true
        }
        return false
    }

    mutating func contains(_ name: String) -> Bool { seek(name) }

    mutating func isNull(_ name: String) -> Bool { seek(name) && reader.type() == .null }

    mutating func string(_ name: String) -> String? {
        guard seek(name) else { return nil }
        return reader.readString()
    }

    mutating func int64(_ name: String) -> Int64? {
        // Beyond ±2^53 as written is refused, whatever a conversion would round it to.
        guard seek(name), let n = reader.readNumber(), !NumberText.isBeyondLimit(reader.digits(n)) else { return nil }
        return reader.int64(n)
    }

    mutating func uint64(_ name: String) -> UInt64? {
        // Beyond ±2^53 as written is refused, whatever a conversion would round it to.
        guard seek(name), let n = reader.readNumber(), !NumberText.isBeyondLimit(reader.digits(n)) else { return nil }
        return reader.uint64(n)
    }

    mutating func strings(_ name: String) -> [String]? {
        guard seek(name), reader.enterArray() else { return nil }
        var strings: [String] = []
        while reader.nextElement() {
            guard let string = reader.readString() else { return nil }
            strings.append(string)
        }
        return strings
    }

    mutating func bool(_ name: String) -> Bool? {
        guard seek(name) else { return nil }
        return reader.readBool()
    }

    /// Access rules (`welcome.rules`); nil when absent or null.
    mutating func rules(_ name: String) throws(JSONReadError) -> AccessRules.Wire? {
        guard seek(name), reader.type() != .null else { return nil }
        do throws(JSONReadError) {
            let (rules, version) = try AccessRules.read(from: &reader)
            return AccessRules.Wire(entries: rules.entries, version: version)
        } catch { throw error.under(.key(name)) }
    }

    mutating func snapshotKey(_ name: String) -> SnapshotKey? {
        guard seek(name), reader.enterObject() else { return nil }
        var collection: String?, row: String?
        while let key = reader.nextMember() {
            if reader.matches(key, "collection"), collection == nil {
                guard let text = reader.readString() else { return nil }
                collection = text
            } else if reader.matches(key, "row"), row == nil {
                guard let text = reader.readString() else { return nil }
                row = text
            } else {
                reader.skipValue()
            }
        }
        guard let collection, let row else { return nil }
        return SnapshotKey(collection: collection, row: row)
    }

    /// A version vector (`snapshot_page.vv`); throws when absent or malformed.
    mutating func versionVector(_ name: String) throws(JSONReadError) -> VersionVector {
        guard seek(name) else { throw JSONReadError(.missing, "\"\(name)\" is required", path: [.key(name)]) }
        return try OpJSON.readVersionVector(from: &reader, member: name)
    }

    /// The elements of an array of objects as their bytes (`snapshot_page.records`), undecoded.
    mutating func rawObjects(_ name: String) throws(JSONReadError) -> [[UInt8]] {
        guard seek(name) else { throw JSONReadError(.missing, "\"\(name)\" is required", path: [.key(name)]) }
        guard reader.enterArray() else { throw reader.mismatch(expected: "an array").under(.key(name)) }
        var out: [[UInt8]] = []
        while reader.nextElement() {
            guard reader.type() == .object else { throw reader.mismatch(expected: "an object").under(.index(out.count)).under(.key(name)) }
            out.append(reader.readRawValue())
        }
        return out
    }

    mutating func ops(_ name: String) throws(JSONReadError) -> [Op] {
        guard seek(name) else { throw JSONReadError(.missing, "\"\(name)\" is required") }
        return try OpJSON.readArray(from: &reader)
    }
}

extension JSONReader {
    /// Whether a key is `name`; ``matches(_:_:)-(_,StaticString)`` for a String.
    func matches(_ raw: RawString, _ name: String) -> Bool {
        guard let bytes = plainBytes(raw) else { return ExactText.equal(text(raw), name) }
        var name = name
        return name.withUTF8 { ExactText.sameBytes($0, bytes) }
    }
}
