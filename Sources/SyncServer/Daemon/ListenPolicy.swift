import NIOCore

/// Whether the daemon may listen where it is asked to: plain TCP is for loopback only, unless
/// the operator says `--allow-plaintext`.
enum ListenPolicy {
    /// nil when allowed, else the one-line refusal.
    static func refusal(host: String, tls: Bool, allowPlaintext: Bool) -> String? {
        guard !tls, !allowPlaintext, !isLoopback(host) else { return nil }
        return "refusing to serve plain TCP on \(host), which is not a loopback address: give --tls-cert and --tls-key "
            + "(plansyncd cert create makes a pair), or --allow-plaintext to accept tokens and data crossing the network unencrypted"
    }

    /// 127.0.0.0/8, ::1 and `localhost`.
    static func isLoopback(_ host: String) -> Bool {
        let h = host.lowercased()
        if h == "localhost" || h == "::1" || h == "[::1]" { return true }
        let parts = h.split(separator: ".", omittingEmptySubsequences: false)
        return parts.count == 4 && parts[0] == "127" && parts.allSatisfy { UInt8($0) != nil }
    }
}
