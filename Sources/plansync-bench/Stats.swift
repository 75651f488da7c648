import Foundation

/// Monotonic time in seconds.
func now() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
}

/// Nearest-rank percentile of `samples` (`p` in 0…100); 0 for no samples.
func percentile(_ samples: [Double], _ p: Double) -> Double {
    guard !samples.isEmpty else { return 0 }
    let sorted = samples.sorted()
    let rank = Int((p / 100 * Double(sorted.count)).rounded(.up))
    return sorted[min(max(rank, 1), sorted.count) - 1]
}

/// Resident memory of a process in MiB, from /proc/PID/status (Linux); nil when unreadable.
func residentMiB(pid: Int32) -> Double? { statusMiB(pid: pid, field: "VmRSS:") }

/// Peak resident memory (VmHWM) of process `pid` in MiB, from /proc (Linux); nil elsewhere.
func peakResidentMiB(pid: Int32) -> Double? { statusMiB(pid: pid, field: "VmHWM:") }

private func statusMiB(pid: Int32, field: String) -> Double? {
    guard let text = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return nil }
    for line in text.split(separator: "\n") where line.hasPrefix(field) {
        let kib = line.split(separator: " ").compactMap { Double($0) }.first
        return kib.map { $0 / 1024 }
    }
    return nil
}

/// A temporary folder removed when the value is dropped via `remove()`, or by ``Interruption``
/// when the run is stopped first.
struct Scratch {
    let path: String

    init() throws {
        path = NSTemporaryDirectory() + "plansync-bench-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        Interruption.shared.track(folder: path)
    }

    func file(_ name: String) -> String { path + "/" + name }

    func remove() {
        try? FileManager.default.removeItem(atPath: path)
        Interruption.shared.forget(folder: path)
    }
}
