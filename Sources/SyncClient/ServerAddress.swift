/// A daemon address `host:port` as stored in the replica identity (`plansync init --server`).
/// IPv6 literals are written in brackets: `[::1]:7420`.
public struct ServerAddress: Hashable, Sendable, CustomStringConvertible {
    /// Host name or IP literal, without brackets.
    public let host: String
    /// TCP port, 1…65535.
    public let port: Int

    /// An address as given; no lookup happens until a connection is made.
    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    /// Parses `host:port`; throws ``SyncClientError/configuration(_:)`` naming the accepted form.
    public init(parsing text: String) throws(SyncClientError) {
        let bad = SyncClientError.configuration("server address \"\(text.prefix(100))\" is not HOST:PORT (e.g. 127.0.0.1:7420)")
        guard let colon = text.lastIndex(of: ":") else { throw bad }
        var host = String(text[..<colon])
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        let digits = text[text.index(after: colon)...]
        // A URL ("http://host:7420") or a path is not an address; neither is a bare IPv6 literal.
        guard !host.contains("/"), !host.contains("@"), !host.contains(" "), host.contains(":") == text.hasPrefix("["),
              !host.isEmpty, !digits.isEmpty, digits.count <= 5, digits.allSatisfy({ $0.isASCII && $0.isNumber }),
              let port = Int(digits), (1...65535).contains(port) else { throw bad }
        self.init(host: host, port: port)
    }

    /// `host:port`, with brackets around an IPv6 literal.
    public var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }
}
