/// How a replica trusts the daemon's TLS certificate (`plansync init --tls [--ca FILE | --pin SHA256]`).
/// Stored in the replica identity as one text: `system`, `ca:PATH` or `pin:HEX`.
public enum ServerTrust: Hashable, Sendable, Codable, CustomStringConvertible {
    /// The operating system's trust store (RFC 5280 path validation, host name checked).
    case systemRoots
    /// Only the certificate authorities in this PEM file (a company CA); host name checked.
    case certificateAuthority(path: String)
    /// Exactly one certificate: the SHA-256 of its DER encoding, 64 lowercase hex digits
    /// (what `plansyncd cert create` prints). Neither dates nor names are checked: the pin is the trust.
    case pinned(sha256: String)

    /// Parses a pin: 64 hex digits, colons allowed (`AB:CD:…`); nil otherwise.
    public static func pin(parsing text: String) -> ServerTrust? {
        let hex = text.lowercased().filter { $0 != ":" }
        guard Hex.isLowercase(hex, count: 64) else { return nil }
        return .pinned(sha256: hex)
    }

    /// The stored form: `system`, `ca:PATH`, `pin:HEX`.
    public var stored: String {
        switch self {
        case .systemRoots: "system"
        case .certificateAuthority(let path): "ca:" + path
        case .pinned(let hex): "pin:" + hex
        }
    }

    /// Reads ``stored``; nil for anything else.
    public init?(stored: String) {
        if stored == "system" { self = .systemRoots; return }
        if stored.hasPrefix("ca:"), stored.count > 3 { self = .certificateAuthority(path: String(stored.dropFirst(3))); return }
        if stored.hasPrefix("pin:"), let pin = ServerTrust.pin(parsing: String(stored.dropFirst(4))) { self = pin; return }
        return nil
    }

    /// For `plansync status`: `TLS (system trust store)`, `TLS (CA /path)`, `TLS (pinned ab12…)`.
    public var description: String {
        switch self {
        case .systemRoots: "TLS (system trust store)"
        case .certificateAuthority(let path): "TLS (CA \(path))"
        case .pinned(let hex): "TLS (pinned \(hex))"
        }
    }
}
