import NIOCore
import NIOPosix
import Testing
@testable import SyncServer

/// Catch-up reads run at the lowest CPU priority, and only they do: the rest of the process keeps
/// its own.
@Suite("Catch-up pool")
struct CatchUpPoolTests {
    @Test func bodiesRunUnderTheIdlePolicyAndTheCallerKeepsItsOwn() async throws {
        let pool = CatchUpPool(numberOfThreads: 2)
        pool.start()
        let eventLoop = MultiThreadedEventLoopGroup.singleton.next()
        let before = CatchUpPool.currentPolicy()
        // Several bodies, so that both threads of the pool are seen.
        let seen = try await EventLoopFuture.whenAllSucceed((0..<8).map { _ in
            pool.run(on: eventLoop) { CatchUpPool.currentPolicy() }
        }, on: eventLoop).get()
        #if os(Linux)
        #expect(seen.allSatisfy { $0 == CatchUpPool.idlePolicy })
        #else
        #expect(seen.allSatisfy { $0 == 0 })
        #endif
        #expect(CatchUpPool.currentPolicy() == before)
        let onLoop = try await eventLoop.submit { CatchUpPool.currentPolicy() }.get()
        #expect(onLoop == before)
        try await pool.shutdownGracefully()
    }

    @Test func aBodyThatThrowsFailsItsFutureAndAShutPoolRefuses() async throws {
        struct Boom: Error {}
        let pool = CatchUpPool(numberOfThreads: 1)
        pool.start()
        let eventLoop = MultiThreadedEventLoopGroup.singleton.next()
        await #expect(throws: Boom.self) { try await pool.run(on: eventLoop) { () throws -> Int in throw Boom() }.get() }
        try await pool.shutdownGracefully()
        await #expect(throws: (any Error).self) { try await pool.run(on: eventLoop) { 1 }.get() }
    }
}
