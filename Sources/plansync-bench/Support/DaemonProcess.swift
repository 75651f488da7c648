import Foundation
import NIOCore
import NIOPosix
import Planning
import SyncServer
import SyncStore

/// The daemon process the `memory` scenario measures: the release `plansyncd` next to this binary
/// when it was built (`swift build -c release`), else this binary itself started in its hidden
/// daemon mode (`--serve-data`), which runs the same ``SyncServer/SyncDaemon`` over the same
/// ``SyncStore/ServerLog`` with the default configuration, so that
/// `swift build -c release --product plansync-bench` alone is enough to run every scenario.
struct DaemonProcess {
    /// Which binary serves: `plansyncd`, or `plansync-bench` in daemon mode.
    let name: String
    private let process: Process

    /// Starts a daemon on `port` over the log file `data` (created by the caller).
    init(data: String, port: Int) throws {
        // This binary's own path: argv[0] is a bare name when it was found through PATH.
        let here = Bundle.main.executableURL ?? URL(fileURLWithPath: CommandLine.arguments[0])
        let plansyncd = here.deletingLastPathComponent().appendingPathComponent("plansyncd").path
        process = Process()
        if FileManager.default.isExecutableFile(atPath: plansyncd) {
            name = "plansyncd"
            process.executableURL = URL(fileURLWithPath: plansyncd)
            process.arguments = ["serve", "--host", "127.0.0.1", "--port", String(port), "--data", data]
        } else {
            name = "plansync-bench"
            process.executableURL = here
            process.arguments = ["--serve-data", data, "--serve-port", String(port)]
        }
        process.standardError = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        Interruption.shared.track(process: process)
    }

    var pid: Int32 { process.processIdentifier }

    /// Returns once the daemon accepts a TCP connection on loopback `port`; throws after `seconds`.
    func awaitListening(port: Int, seconds: Double = 10) throws {
        let deadline = now() + seconds
        while true {
            do {
                try ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton).connect(host: "127.0.0.1", port: port).wait().close().wait()
                return
            } catch where now() < deadline {
                Thread.sleep(forTimeInterval: 0.05)
            }
        }
    }

    func stop() {
        process.terminate()
        process.waitUntilExit()
        Interruption.shared.forget(process: process)
    }

    /// The hidden daemon mode: serves `data` on loopback `port` until the process is terminated.
    static func serve(data: String, port: Int) throws -> Never {
        let daemon = DaemonFixture.daemon(try ServerLog(path: data, schema: PlanningSchema.schema), port: port)
        _ = try blocking { try await daemon.start() }
        while true { sleep(3_600) }
    }
}
