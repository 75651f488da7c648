import ArgumentParser
import SyncClient
import SyncModel
import SyncStore

/// `config [--server HOST:PORT] [--token T] [--tls [--ca F | --pin SHA256] | --no-tls]`: changes
/// where and how this replica syncs; what is not given stays. Without options, shows the settings.
struct Config: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Change the daemon address, token or TLS trust of this replica.")

    @OptionGroup var replica: ReplicaOptions

    @Option(help: ArgumentHelp("The sync daemon's address.", valueName: "host:port"))
    var server: String?

    @Option(help: ArgumentHelp("The token printed by plansyncd token add.", valueName: "token"))
    var token: String?

    @OptionGroup var transport: TLSOptions

    @Flag(name: .customLong("no-tls"), help: "Connect in plain TCP (only for a daemon on this machine or a trusted network).")
    var noTLS = false

    func run() throws {
        let address = try server.map { text throws(SyncClientError) in try ServerAddress(parsing: text) }
        if let token { try TokenText.validate(token) }
        if noTLS, transport.tls { throw CLIError.user("give --tls or --no-tls, not both") }
        let trust = try transport.trust()
        let store = try ReplicaAccess.open(replica)
        if store.isDaemonFile { throw CLIError.user("\(replica.path) is the sync daemon's own file; it does not sync") }
        let identity = try store.identity()
        if address != nil || token != nil {
            try store.setServer(address?.description ?? identity.server, token: token ?? identity.token)
        }
        if noTLS { try store.setTLS(nil) } else if let trust { try store.setTLS(trust) }
        let now = try store.identity()
        Console.out("server \(now.server ?? "(not set)"), token \(now.token == nil ? "(not set)" : "set"), "
                    + (now.tls?.description ?? "plain TCP"))
    }
}
