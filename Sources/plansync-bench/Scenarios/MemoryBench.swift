import Foundation
import NIOCore
import NIOPosix
import Planning
import SyncProtocol
import SyncStore

/// Scenario `memory`: the resident memory of a daemon process (``DaemonProcess``: the release
/// `plansyncd` next to this binary when built) holding idle, authenticated connections.
enum MemoryBench {
    struct Result: Encodable {
        var idle_connections: Int
        var rss_mib: Double
        var rss_before_mib: Double
        /// The binary measured (``DaemonProcess``).
        var daemon: String
    }

    static func run(connections: Int, scratch: Scratch) throws -> Result {
        let data = scratch.file("memory-server.sqlite")
        let token = try ServerLog(path: data, schema: PlanningSchema.schema).addToken(department: "bench")
        let port = try freePort()
        let daemon = try DaemonProcess(data: data, port: port)
        defer { daemon.stop() }
        let group = MultiThreadedEventLoopGroup.singleton
        var channels: [any Channel] = []
        defer { for c in channels { try? c.close().wait() } }
        let first = try connect(group: group, port: port, token: token, node: "idle-0", waitSeconds: 10)
        channels.append(first)
        Thread.sleep(forTimeInterval: 0.5)
        let before = residentMiB(pid: daemon.pid) ?? 0
        for i in 1..<connections {
            channels.append(try connect(group: group, port: port, token: token, node: "idle-\(i)", waitSeconds: 2))
        }
        Thread.sleep(forTimeInterval: 1)
        guard let rss = residentMiB(pid: daemon.pid) else { throw BenchError("memory: cannot read the daemon's RSS") }
        return Result(idle_connections: connections, rss_mib: rss, rss_before_mib: before, daemon: daemon.name)
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

    /// A loopback port that was free a moment ago.
    static func freePort() throws -> Int {
        let channel = try ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton).bind(host: "127.0.0.1", port: 0).wait()
        defer { try? channel.close().wait() }
        guard let port = channel.localAddress?.port else { throw BenchError("memory: no free port") }
        return port
    }
}
