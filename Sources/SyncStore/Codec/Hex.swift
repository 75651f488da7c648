import Crypto
import Foundation
import SyncModel

extension Hex {
    /// SHA-256 of the UTF-8 of `text`, 64 lowercase hex digits (state hash, token hashes).
    static func sha256(_ text: String) -> String {
        Hex.text(bytes: SHA256.hash(data: Data(text.utf8)))
    }
}
