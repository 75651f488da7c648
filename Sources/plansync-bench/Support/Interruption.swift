import Foundation

/// What a stopped run leaves behind, cleaned up on SIGINT or SIGTERM: scratch folders are
/// removed and daemon processes terminated, then the benchmark exits with 128 + the signal.
/// Without this, a run stopped mid-scenario left `/tmp/plansync-bench-*` folders of up to a few
/// hundred MiB, and a SIGTERM left the memory scenario's daemon running.
final class Interruption: @unchecked Sendable {
    static let shared = Interruption()

    private let lock = NSLock()
    private var folders: Set<String> = []
    private var processes: [Int32: Process] = [:]
    private var sources: [any DispatchSourceSignal] = []

    /// Starts handling SIGINT and SIGTERM; call once, before any scenario.
    func install() {
        for number in [SIGINT, SIGTERM] {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { [self] in stop(signal: number) }
            source.resume()
            lock.withLock { sources.append(source) }
        }
    }

    func track(folder: String) { lock.withLock { _ = folders.insert(folder) } }
    func forget(folder: String) { lock.withLock { _ = folders.remove(folder) } }
    func track(process: Process) { lock.withLock { processes[process.processIdentifier] = process } }
    func forget(process: Process) { lock.withLock { _ = processes.removeValue(forKey: process.processIdentifier) } }

    private func stop(signal number: Int32) -> Never {
        let (folders, processes) = lock.withLock { (self.folders, Array(self.processes.values)) }
        for process in processes where process.isRunning { process.terminate() }
        for folder in folders { try? FileManager.default.removeItem(atPath: folder) }
        exit(128 + number)
    }
}
