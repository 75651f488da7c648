import Foundation

/// One bootstrap at a time per replica file, across processes: an exclusive `flock(2)` on
/// `<file>.bootstrap-lock`, held from ``ReplicaStore/bootstrap(horizon:versionVector:afresh:)``
/// until the bootstrap is finished or dropped. Without it two `plansync` processes (a `sync`
/// beside a `sync --watch`, two `outbox discard`s) shared one `<file>.bootstrap`: one could remove
/// or restart the file the other was about to install. Within one process the lock is shared by
/// count (a bootstrap begun again while an older one is still referenced, after the daemon
/// replaced its snapshot), since `flock` would otherwise make a process wait for itself. The
/// lock file is left in place (removing it would let a third process lock a new file while the
/// second still holds the old one).
final class BootstrapLock: @unchecked Sendable {
    private let lockPath: String
    private var held = true

    /// How long a second process waits for the first one's bootstrap: 2 minutes, then it gives up.
    static let patience: TimeInterval = 120

    /// Lock file path → (descriptor holding the `flock`, holders in this process).
    nonisolated(unsafe) private static var table: [String: (fd: Int32, holders: Int)] = [:]
    private static let tableLock = NSLock()

    /// Takes the lock of the replica at `path`, waiting up to ``patience`` for another process to
    /// finish its bootstrap. Throws ``StoreError/database(_:)`` when the lock file cannot be made,
    /// or the other process holds it longer.
    init(replicaAt path: String) throws {
        lockPath = path + ".bootstrap-lock"
        try BootstrapLock.tableLock.withLock {
            if let entry = BootstrapLock.table[lockPath] {
                BootstrapLock.table[lockPath] = (entry.fd, entry.holders + 1)
                return
            }
            let fd = open(lockPath, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
            guard fd >= 0 else { throw StoreError.database("cannot open \(lockPath): \(String(cString: strerror(errno)))") }
            let deadline = Date().addingTimeInterval(BootstrapLock.patience)
            while flock(fd, LOCK_EX | LOCK_NB) != 0 {
                guard errno == EWOULDBLOCK || errno == EINTR, Date() < deadline else {
                    close(fd)
                    throw StoreError.database("another plansync process has been rebuilding \(path) from the daemon's snapshot for \(Int(BootstrapLock.patience)) s; sync again when it has finished")
                }
                Thread.sleep(forTimeInterval: 0.1)
            }
            BootstrapLock.table[lockPath] = (fd, 1)
        }
    }

    /// Releases this holder's share; the last one in the process unlocks (idempotent).
    func release() {
        BootstrapLock.tableLock.withLock {
            guard held, let entry = BootstrapLock.table[lockPath] else { return }
            held = false
            if entry.holders > 1 {
                BootstrapLock.table[lockPath] = (entry.fd, entry.holders - 1)
            } else {
                BootstrapLock.table[lockPath] = nil
                flock(entry.fd, LOCK_UN)
                close(entry.fd)
            }
        }
    }

    deinit { release() }
}
