import ArgumentParser
import Foundation
import SyncModel
import SyncClient
import SyncStore

/// `init --node N --department D [--server HOST:PORT] [--token T] [--tls [--ca F | --pin SHA256]]`: creates this laptop's replica
/// file. Refuses a path that exists: two files must never share a node id.
struct Init: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Create a new replica file for this laptop.")

    @OptionGroup var replica: ReplicaOptions

    @Option(help: ArgumentHelp("This replica's node id: 1 to 64 of A-Z a-z 0-9 . _ - (e.g. sales-laptop).", valueName: "node"))
    var node: String

    @Option(help: ArgumentHelp("The department this replica works for (e.g. sales).", valueName: "name"))
    var department: String

    @Option(help: ArgumentHelp("The sync daemon's address.", valueName: "host:port"))
    var server: String?

    @Option(help: ArgumentHelp("The token printed by plansyncd token add.", valueName: "token"))
    var token: String?

    @OptionGroup var transport: TLSOptions

    func run() throws {
        try NodeID.validate(node)
        do { try Department.validate(department) } catch { throw CLIError.user(error.description) }
        let address = try server.map { text throws(SyncClientError) in try ServerAddress(parsing: text) }
        if let token { try TokenText.validate(token) }
        let tls = try transport.trust()
        let path = replica.path
        if FileManager.default.fileExists(atPath: path) {
            throw CLIError.user("\(path) already exists; refusing to overwrite it (each laptop needs its own new replica)")
        }
        let identity = ReplicaIdentity(node: node, department: department, server: address?.description, token: token, tls: tls)
        _ = try ReplicaStore.create(at: path, identity: identity, schema: ReplicaAccess.schema)
        Console.out("created \(path): node \(node), department \(department)" + (address.map { ", server \($0)" } ?? "")
                    + (tls.map { ", \($0)" } ?? ""))
    }
}
