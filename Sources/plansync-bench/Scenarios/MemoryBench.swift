import Foundation
import NIOCore
import NIOPosix
import Planning
import SyncProtocol

/// Scenario `memory`: the resident memory of a real `plansyncd` process (the release binary next to
/// this one) holding idle, authenticated connections.
enum MemoryBench {
    struct Result: Encodable {
        var idle_connections: Int
        var rss_mib: Double
        var rss_before_mib: Double
    }

    static func run(connections: Int, scratch: Scratch) throws -> Result {
        let daemonPath = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("plansyncd").path
        guard FileManager.default.isExecutableFile(atPath: daemonPath) else {
            throw BenchError("memory: \(daemonPath) not found; build it first (swift build -c release)")
        }
        let data = scratch.file("memory-server.sqlite")
        let token = try runTool(daemonPath, ["token", "add", "--department", "bench", "--data", data])
        let port = try freePort()
        let daemon = Process()
        daemon.executableURL = URL(fileURLWithPath: daemonPath)
        daemon.arguments = ["serve", "--host", "127.0.0.1", "--port", String(port), "--data", data]
        daemon.standardError = FileHandle.nullDevice
        daemon.standardOutput = FileHandle.nullDevice
        try daemon.run()
        defer { daemon.terminate(); daemon.waitUntilExit() }
        let group = MultiThreadedEventLoopGroup.singleton
        var channels: [any Channel] = []
        defer { for c in channels { try? c.close().wait() } }
        let first = try connect(group: group, port: port, token: token, node: "idle-0", waitSeconds: 10)
        channels.append(first)
        Thread.sleep(forTimeInterval: 0.5)
        let before = residentMiB(pid: daemon.processIdentifier) ?? 0
        for i in 1..<connections {
            channels.append(try connect(group: group, port: port, token: token, node: "idle-\(i)", waitSeconds: 2))
        }
        Thread.sleep(forTimeInterval: 1)
        guard let rss = residentMiB(pid: daemon.processIdentifier) else { throw BenchError("memory: cannot read the daemon's RSS") }
        return Result(idle_connections: connections, rss_mib: rss, rss_before_mib: before)
    }

    /// Connects (retrying while the daemon starts) and says hello; the connection then stays idle.
    static func connect(group: any EventLoopGroup, port: Int, token: String, node: String, waitSeconds: Double) throws -> any Channel {
        let deadline = now() + waitSeconds
        while true {
            do {
                let channel = try ClientBootstrap(group: group).connect(host: "127.0.0.1", port: port).wait()
                let hello = try WireEncoder.line(.hello(Hello(node: node, token: token, schema: PlanningSchema.version)))
                try channel.writeAndFlush(hello).wait()
                return channel
            } catch where now() < deadline {
                Thread.sleep(forTimeInterval: 0.05)
            }
        }
    }

    /// Runs a command and returns the last line of its standard output.
    static func runTool(_ path: String, _ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        try process.run()
        let out = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0,
              let last = String(decoding: out, as: UTF8.self).split(separator: "\n").last else {
            throw BenchError("\(path) \(arguments.joined(separator: " ")) failed")
        }
        return String(last)
    }

    /// A loopback port that was free a moment ago.
    static func freePort() throws -> Int {
        let channel = try ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton).bind(host: "127.0.0.1", port: 0).wait()
        defer { try? channel.close().wait() }
        guard let port = channel.localAddress?.port else { throw BenchError("memory: no free port") }
        return port
    }
}
