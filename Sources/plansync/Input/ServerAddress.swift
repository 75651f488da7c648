import SyncModel

/// `HOST:PORT` of the sync daemon; IPv6 hosts in brackets (`[::1]:7420`).
struct ServerAddress: Equatable, CustomStringConvertible {
    let host: String
    let port: Int

    /// Parses `HOST:PORT`; throws a user error naming the expected form.
    init(parsing text: String) throws(CLIError) {
        let bad = CLIError.user("server \(JSONText.quote(String(text.prefix(80)))): expected HOST:PORT, e.g. 127.0.0.1:7420")
        guard let colon = text.lastIndex(of: ":") else { throw bad }
        var host = String(text[..<colon])
        if host.hasPrefix("[") && host.hasSuffix("]") && host.count > 2 { host = String(host.dropFirst().dropLast()) }
        guard !host.isEmpty, host.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value < 0x7F && $0 != "/" }),
              let port = Int(text[text.index(after: colon)...]), (1...65535).contains(port) else { throw bad }
        self.host = host
        self.port = port
    }

    var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }
}
