import SyncModel
import SyncProtocol

/// What every session does with `welcome` before anything else: report it, refuse a daemon whose
/// log is shorter than what this replica already applied, and take the server time into the local
/// clock (warning when the local clock runs ahead).
enum Greeting {
    static func accept(_ welcome: Welcome, replica: any SyncingReplica, options: SyncClientOptions) throws(SyncClientError) {
        options.logger.debug("connected to \(welcome.server) as department \(welcome.department), head \(welcome.head)")
        let cursor: UInt64
        do { cursor = try replica.cursor() } catch { throw .replica("reading the cursor: \(error)") }
        // The log only grows. A head below the cursor means the daemon's file was replaced by an
        // older copy: pulling on would skip the ops it appends next, and pushing would be lost.
        guard welcome.head >= cursor else {
            throw .protocolViolation("the daemon's log ends at position \(welcome.head), but this replica has applied up to \(cursor); "
                + "was the daemon's file restored from an older backup? Nothing was sent (see docs/operations.md, \"Backups of a live file\")")
        }
        options.onEvent?(.connected(server: welcome.server, department: welcome.department, head: welcome.head))
        try ClockCheck.observe(welcome.time, replica: replica, threshold: options.clockWarningMilliseconds,
                               logger: options.logger) { options.onEvent?($0) }
    }
}
