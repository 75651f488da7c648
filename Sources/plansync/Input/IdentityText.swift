import Foundation
import SyncModel

/// Department names: what the user calls the department, shown next to every value it writes.
enum DepartmentName {
    static func validate(_ name: String) throws(CLIError) {
        guard !name.isEmpty, name.utf8.count <= 128, TextCell.oneLine(name) == name, name.trimmingCharacters(in: .whitespaces) == name else {
            throw .user("invalid department \(JSONText.quote(String(name.prefix(80)))): expected 1 to 128 bytes of text on one line")
        }
    }
}

/// Tokens as printed by `plansyncd token add`: printable ASCII without spaces.
enum TokenText {
    static func validate(_ token: String) throws(CLIError) {
        guard !token.isEmpty, token.utf8.count <= 512, token.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value < 0x7F }) else {
            throw .user("invalid token: expected the text printed by plansyncd token add")
        }
    }
}
