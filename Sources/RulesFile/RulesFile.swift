import Foundation
import SyncModel
import TOMLKit

/// Reads an access-rules file (TOML) into ``SyncModel/AccessRules``: the only place that knows
/// TOML. Shape (docs/operations.md, "Access rules"):
///
/// ```toml
/// [collections.incentives]
/// read  = ["hr", "finance", "planning"]
/// write = ["hr"]
///
/// [collections.projects.fields.budget_planned]
/// write = ["finance", "planning"]
/// ```
/// Anything else — another top-level key, an unknown collection or field, a value that is not a
/// list of department names — is refused with one line naming the place.
public enum RulesFile {
    /// Reads and checks the file at `path` against `schema`. Throws one line naming `path`: no
    /// such file, a folder, unreadable, not UTF-8, or the first problem in its rules.
    public static func load(path: String, schema: Schema) throws(RulesFileError) -> AccessRules {
        let text = try read(path)
        do throws(RulesFileError) {
            return try parse(text, schema: schema)
        } catch {
            throw RulesFileError("\(path): \(error.message)")
        }
    }

    /// The file's text; each way it can fail has its own message, so a typo in the path is not
    /// reported as an encoding problem.
    private static func read(_ path: String) throws(RulesFileError) -> String {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else {
            throw RulesFileError("\(path): no such file")
        }
        guard !isFolder.boolValue else { throw RulesFileError("\(path): is a folder, not a rules file") }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw RulesFileError("\(path): cannot be read (check its permissions)")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw RulesFileError("\(path): cannot be read as UTF-8 text")
        }
        return text
    }

    /// Parses and checks rules text against `schema`.
    public static func parse(_ text: String, schema: Schema) throws(RulesFileError) -> AccessRules {
        let table: TOMLTable
        do { table = try TOMLTable(string: text) } catch let error as TOMLParseError {
            throw RulesFileError("line \(error.source.begin.line), column \(error.source.begin.column): \(error.description)")
        } catch {
            throw RulesFileError("not TOML: \(error)")
        }
        var entries: [AccessRules.Entry] = []
        for (key, value) in table {
            guard key == "collections" else { throw RulesFileError("\(key): unknown key; the rules live under [collections.NAME]") }
            guard let collections = value.table else { throw RulesFileError("collections: must be a table") }
            for (name, body) in collections {
                entries += try collectionEntries(name, body)
            }
        }
        let rules = AccessRules(entries)
        do { try rules.validate(against: schema) } catch { throw RulesFileError(error.description) }
        return rules
    }

    private static func collectionEntries(_ name: String, _ body: any TOMLValueConvertible) throws(RulesFileError) -> [AccessRules.Entry] {
        let place = "collections.\(name)"
        guard let table = body.table else { throw RulesFileError("\(place): must be a table") }
        var entries: [AccessRules.Entry] = []
        for (key, value) in table {
            switch key {
            case "read", "write":
                entries.append(.init(collection: name, access: key == "read" ? .read : .write,
                                     departments: try departments(value, at: "\(place).\(key)")))
            case "fields":
                guard let fields = value.table else { throw RulesFileError("\(place).fields: must be a table") }
                for (field, rule) in fields {
                    let fieldPlace = "\(place).fields.\(field)"
                    guard let ruleTable = rule.table else { throw RulesFileError("\(fieldPlace): must be a table") }
                    for (access, list) in ruleTable {
                        guard access == "write" else {
                            throw RulesFileError("\(fieldPlace).\(access): unknown key; a field rule takes only write")
                        }
                        entries.append(.init(collection: name, field: field, access: .write,
                                             departments: try departments(list, at: "\(fieldPlace).write")))
                    }
                }
            default:
                throw RulesFileError("\(place).\(key): unknown key; expected read, write or fields")
            }
        }
        return entries
    }

    private static func departments(_ value: any TOMLValueConvertible, at place: String) throws(RulesFileError) -> [String] {
        guard let array = value.array else { throw RulesFileError("\(place): must be a list of department names") }
        var names: [String] = []
        for element in array {
            guard let name = element.string else { throw RulesFileError("\(place): must be a list of department names") }
            names.append(name)
        }
        return names
    }
}

/// A rules file that cannot be used; one line naming the place.
public struct RulesFileError: Error, Equatable, Sendable, CustomStringConvertible {
    public let message: String

    public init(_ message: String) {
        self.message = message.split(separator: "\n").first.map(String.init) ?? message
    }

    public var description: String { message }
}
