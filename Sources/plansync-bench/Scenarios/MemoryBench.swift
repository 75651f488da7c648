import Foundation
import NIOCore
import NIOPosix
import Planning
import SyncProtocol
import SyncStore

/// Scenario `memory`: the resident memory of a daemon process (``DaemonProcess``: the release
/// `plansyncd` next to this binary when built) holding idle, authenticated connections: plain
/// ones, then, in a second daemon, as many that negotiated `deflate` (what `plansync` offers by
/// default), whose zlib state each connection keeps for as long as it lives.
enum MemoryBench {
    struct Result: Encodable {
        var idle_connections: Int
        var rss_mib: Double
        var rss_before_mib: Double
        /// The daemon's RSS with as many idle connections that negotiated deflate.
        var rss_deflate_mib: Double
        /// The binary measured (``DaemonProcess``).
        var daemon: String
    }

    static func run(connections: Int, scratch: Scratch) throws -> Result {
        let plain = try measure(connections: connections, compression: nil, scratch: scratch)
        let deflate = try measure(connections: connections, compression: [WireCompression.deflate.rawValue], scratch: scratch)
        return Result(idle_connections: connections, rss_mib: plain.rss, rss_before_mib: plain.before,
                      rss_deflate_mib: deflate.rss, daemon: plain.daemon)
    }

    /// One daemon with `connections` idle connections offering `compression`: its RSS with one
    /// connection and with all of them, in MiB.
    private static func measure(connections: Int, compression: [String]?, scratch: Scratch) throws -> (rss: Double, before: Double, daemon: String) {
        let data = scratch.file(compression == nil ? "memory-server.sqlite" : "memory-deflate-server.sqlite")
        let token = try ServerLog(path: data, schema: PlanningSchema.schema).addToken(department: "bench")
        let port = try freePort()
        let daemon = try DaemonProcess(data: data, port: port)
        defer { daemon.stop() }
        let group = MultiThreadedEventLoopGroup.singleton
        var channels: [any Channel] = []
        defer { for c in channels { try? c.close().wait() } }
        let first = try connect(group: group, port: port, token: token, node: "idle-0", compression: compression, waitSeconds: 10)
        channels.append(first)
        Thread.sleep(forTimeInterval: 0.5)
        let before = residentMiB(pid: daemon.pid) ?? 0
        for i in 1..<connections {
            channels.append(try connect(group: group, port: port, token: token, node: "idle-\(i)", compression: compression, waitSeconds: 2))
        }
        // Past the time a connection keeps its deflater after its last line (``LineWriter/idleRelease``).
        Thread.sleep(forTimeInterval: compression == nil ? 1 : 3)
        guard let rss = residentMiB(pid: daemon.pid) else { throw BenchError("memory: cannot read the daemon's RSS") }
        return (rss, before, daemon.name)
    }

    /// Connects (retrying while the daemon starts) and says hello, offering `compression`; the
    /// connection then stays idle (a daemon that picks deflate switches after its `welcome`).
    static func connect(group: any EventLoopGroup, port: Int, token: String, node: String, compression: [String]? = nil,
                        waitSeconds: Double) throws -> any Channel {
        let deadline = now() + waitSeconds
        while true {
            do {
                let channel = try ClientBootstrap(group: group).connect(host: "127.0.0.1", port: port).wait()
                let hello = try WireEncoder.line(.hello(Hello(node: node, token: token, schema: PlanningSchema.version, compression: compression)))
                try channel.writeAndFlush(hello).wait()
                if compression != nil {
                    // One compressed ping each way, so both sides' zlib state has been used, as on
                    // a laptop that synced once and went quiet; the replies are not read.
                    try channel.eventLoop.submit { try channel.pipeline.syncOperations.addHandler(LineWriter()) }.wait()
                    try channel.pipeline.triggerUserOutboundEvent(LineStreamSwitch.output(.deflate)).wait()
                    try channel.writeAndFlush(try WireEncoder.line(.ping(Ping(id: 1)))).wait()
                }
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
