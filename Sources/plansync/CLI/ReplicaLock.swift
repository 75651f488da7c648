#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An advisory lock on a file beside the replica (`PATH.lock`, flock(2)), held until the process
/// ends. `sync` holds it shared while it may have pushes on the wire; `rekey` and `outbox discard`,
/// which renumber the outbox, hold it alone. Without it, a push still in flight when another
/// process moved its ops to new dots (or dropped one) landed under the old dots as well, and its
/// `ack` then took the renumbered ops out of the outbox: every replica counted those edits twice,
/// or the laptop parted from the daemon for good (a tester's runs).
///
/// ```swift
/// let lock = try ReplicaLock(replica: path, exclusive: true, for: "rekey")   // throws while a sync runs
/// defer { withExtendedLifetime(lock) {} }
/// ```
final class ReplicaLock {
    private let descriptor: Int32

    /// Takes the lock without waiting. Throws ``CLIError`` (exit 1) when another process holds it
    /// in a way that excludes this one, or the lock file cannot be opened.
    init(replica path: String, exclusive: Bool, for what: String) throws {
        let lockPath = path + ".lock"
        let fd = open(lockPath, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            throw CLIError.user("cannot open the lock file \(lockPath) for \(what): \(String(cString: strerror(errno)))")
        }
        guard flock(fd, (exclusive ? LOCK_EX : LOCK_SH) | LOCK_NB) == 0 else {
            let reason = errno
            close(fd)
            guard reason == EWOULDBLOCK else {
                throw CLIError.user("cannot lock \(lockPath) for \(what): \(String(cString: strerror(reason)))")
            }
            throw CLIError.user(exclusive
                ? "a sync of this replica is running (sync or sync --watch, maybe in another terminal): stop it or let it finish, then run \(what) again"
                : "a rekey or outbox discard of this replica is running: let it finish, then sync again")
        }
        descriptor = fd
    }

    deinit { close(descriptor) }
}
