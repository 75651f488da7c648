import SyncModel
import SyncProtocol

/// What every session does with `welcome` before anything else: report it and take the server
/// time into the local clock (warning when the clocks are far apart).
enum Greeting {
    static func accept(_ welcome: Welcome, replica: any SyncingReplica, options: SyncClientOptions) throws(SyncClientError) {
        options.logger.debug("connected to \(welcome.server) as department \(welcome.department), head \(welcome.head)")
        options.onEvent?(.connected(server: welcome.server, department: welcome.department, head: welcome.head))
        try ClockCheck.observe(welcome.time, replica: replica, threshold: options.clockWarningMilliseconds,
                               logger: options.logger) { options.onEvent?($0) }
    }
}
