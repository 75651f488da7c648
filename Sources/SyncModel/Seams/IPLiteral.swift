import Foundation

/// IP address literals in host names (certificate subject alternative names, RFC 5280 §4.2.1.6).
public enum IPLiteral {
    /// The 4 or 16 bytes of an IPv4 or IPv6 literal (brackets allowed), nil for a host name.
    public static func bytes(_ text: String) -> [UInt8]? {
        var host = text
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        var v4 = in_addr(), v6 = in6_addr()
        if inet_pton(AF_INET, host, &v4) == 1 { return withUnsafeBytes(of: &v4) { Array($0) } }
        if inet_pton(AF_INET6, host, &v6) == 1 { return withUnsafeBytes(of: &v6) { Array($0) } }
        return nil
    }
}
