import SyncModel
import SyncProtocol

/// What every session does with `welcome` before anything else: report it, move the cursor back
/// when the daemon's log is shorter than what this replica applied, and take the server time into
/// the local clock (reporting a local clock far ahead or behind).
enum Greeting {
    /// What the welcome says about this session.
    struct Outcome {
        /// Set when the local clock is further behind the server's than the allowed skew: push nothing.
        var clockBehind: SyncClientError?
        /// The cursor before it was moved back to 0, when the log was shorter.
        var lostHistoryFrom: UInt64?
    }

    /// Takes in `welcome`; `cursor` is the replica's cursor as read before `hello` (``cursorBeforeHello(_:)``),
    /// `department` the one of the replica's identity, read for the `hello`.
    static func accept(_ welcome: Welcome, cursor: UInt64, department: String, replica: any SyncingReplica,
                       options: SyncClientOptions) throws(SyncClientError) -> Outcome {
        options.logger.debug("connected to \(welcome.server) as department \(welcome.department), head \(welcome.head)")
        // The token decides what the daemon lets this session read and write; a replica made for
        // another department would follow rules that are not its own, and its outbox would show
        // none of the refusals (a tester was stuck so). Refused before anything changes.
        guard department.utf8.elementsEqual(welcome.department.utf8) else {
            throw .configuration("the token is one of department \(welcome.department), but this replica works for department "
                + "\(department): use a token made for \(department) (plansyncd token add --department \(department)), "
                + "set with plansync config --token TOKEN")
        }
        var outcome = Outcome()
        // The log only grows. A head below the cursor means the daemon's file was replaced by an
        // older copy: the ops it appended since take positions this replica may have passed, and
        // where the copy ends is unknown, so the cursor goes back to 0 and the whole log is read
        // again (ops already applied are skipped by dot; the pull then checks what the daemon lacks).
        // The cursor is the one read before `hello`: another process on this file (a watcher) may
        // have moved it on since, past the head the welcome named, without anything being lost.
        if welcome.head < cursor {
            do {
                try replica.resetCursor(to: 0)
            } catch {
                throw .protocolViolation("the daemon's log ends at position \(welcome.head), but this replica has applied up to \(cursor); "
                    + "was the daemon's file restored from an older backup? Nothing was sent (see docs/operations.md, \"Restoring the daemon from a backup\")")
            }
            options.logger.warning("the daemon's log ends at \(welcome.head), below this replica's cursor \(cursor): it lost history")
            options.onEvent?(.lostHistory(cursor: cursor, head: welcome.head))
            outcome.lostHistoryFrom = cursor
        }
        // No rules in the welcome: the daemon serves without any, so nothing is forbidden.
        let rules = welcome.rules ?? AccessRules.open.wire
        try replicaCall("keeping the access rules") { try replica.adoptRules(rules) }
        options.onEvent?(.connected(server: welcome.server, department: welcome.department, head: welcome.head))
        if let behind = try ClockCheck.observe(welcome.time, replica: replica, threshold: options.clockWarningMilliseconds,
                                               maxSkew: options.maxClockSkewMilliseconds, logger: options.logger, report: { options.onEvent?($0) }) {
            outcome.clockBehind = .clockBehind(milliseconds: behind, allowedMilliseconds: options.maxClockSkewMilliseconds)
        }
        return outcome
    }

    /// The replica's cursor, read before the connection says `hello`: never beyond the log's head
    /// then, so never beyond the head its `welcome` names unless the daemon lost history.
    static func cursorBeforeHello(_ replica: any SyncingReplica) throws(SyncClientError) -> UInt64 {
        try replicaCall("reading the cursor") { try replica.cursor() }
    }
}
