import ArgumentParser
import Foundation

/// `plansync-bench`: the benchmark suite. Runs the scenarios in one process on this machine and
/// prints a table for people, or one JSON object with `--json` for tools.
@main
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plansync-bench",
        abstract: "Measure PlanSync's apply, local write, sync, fan-out, memory and growth figures.",
        discussion: "Build in release first: swift build -c release --product plansync-bench")

    @Flag(help: "Small sizes, under a minute: a smoke run, not figures to quote.")
    var quick = false

    @Flag(help: "Print one JSON object instead of a table.")
    var json = false

    @Option(help: "Run only these scenarios (comma-separated): apply, local_write, sync, fanout, memory, growth.")
    var only: String?

    @Option(help: .hidden)
    var serveData: String?

    @Option(help: .hidden)
    var servePort = 0

    func run() throws {
        if let serveData { try DaemonProcess.serve(data: serveData, port: servePort) }
        let plan = quick ? BenchPlan.quick : BenchPlan.full
        let selected = Set((only ?? BenchPlan.scenarios.joined(separator: ",")).split(separator: ",").map(String.init))
        let unknown = selected.subtracting(BenchPlan.scenarios)
        guard unknown.isEmpty else {
            throw ValidationError("unknown scenario \(unknown.sorted().joined(separator: ", ")); known: \(BenchPlan.scenarios.joined(separator: ", "))")
        }
        let report = try BenchRunner(plan: plan, selected: selected, progress: !json).run()
        print(json ? report.json() : report.table(plan: plan))
    }
}
