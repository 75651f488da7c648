import Foundation
import SyncModel

/// Tokens as printed by `plansyncd token add`: printable ASCII without spaces.
enum TokenText {
    static func validate(_ token: String) throws(CLIError) {
        guard !token.isEmpty, token.utf8.count <= 512, token.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value < 0x7F }) else {
            throw .user("invalid token: expected the text printed by plansyncd token add")
        }
    }
}
