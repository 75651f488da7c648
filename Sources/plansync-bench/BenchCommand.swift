import ArgumentParser
import Foundation

/// `plansync-bench`: the benchmark suite. Runs the scenarios in one process on this machine and
/// prints a table for people, or one JSON object with `--json` for tools.
@main
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plansync-bench",
        abstract: "Measure PlanSync's apply, local write, sync, fan-out, memory, growth and lagging figures.",
        discussion: "Build in release first: swift build -c release --product plansync-bench")

    @Flag(help: "Small sizes, under a minute: a smoke run, not figures to quote.")
    var quick = false

    @Flag(help: "Print one JSON object instead of a table.")
    var json = false

    @Option(help: "Run only these scenarios (comma-separated): apply, live_apply, local_write, sync, sync_deflate, sync_tls, fanout, memory, growth, lagging, bootstrap, scale.")
    var only: String?

    @Option(help: .hidden)
    var serveData: String?

    @Option(help: .hidden)
    var servePort: Int?

    func validate() throws {
        if servePort != nil, serveData == nil { throw ValidationError("--serve-port needs --serve-data") }
        if let servePort, !(0...65_535).contains(servePort) { throw ValidationError("--serve-port must be from 0 to 65535") }
        let known = BenchPlan.scenarios.joined(separator: ", ")
        if only != nil, selected.isEmpty { throw ValidationError("--only names no scenario; known: \(known)") }
        let unknown = selected.subtracting(BenchPlan.scenarios)
        guard unknown.isEmpty else { throw ValidationError("unknown scenario \(unknown.sorted().joined(separator: ", ")); known: \(known)") }
    }

    /// The scenarios `--only` names (trimmed, empty names dropped), or all of them.
    private var selected: Set<String> {
        guard let only else { return Set(BenchPlan.scenarios) }
        return Set(only.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty })
    }

    func run() throws {
        if let serveData {
            do { try DaemonProcess.serve(data: serveData, port: servePort ?? 0) } catch {
                throw BenchError("cannot serve \(serveData): \(error)")
            }
        }
        Interruption.shared.install()
        FileLimit.raise()
        let plan = quick ? BenchPlan.quick : BenchPlan.full
        let report = try BenchRunner(plan: plan, selected: selected, progress: !json).run()
        print(json ? report.json() : report.table(plan: plan))
    }
}
