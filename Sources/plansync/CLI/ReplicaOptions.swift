import ArgumentParser
import Foundation

/// `--replica PATH`, shared by every command: the replica file to work on.
struct ReplicaOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The replica file (default ./plansync.sqlite, or $PLANSYNC_REPLICA).", valueName: "path"))
    var replica: String?

    /// The chosen path: `--replica`, else a non-empty `$PLANSYNC_REPLICA`, else `plansync.sqlite`.
    var path: String {
        if let replica { return replica }
        if let env = ProcessInfo.processInfo.environment["PLANSYNC_REPLICA"], !env.isEmpty { return env }
        return "plansync.sqlite"
    }
}
