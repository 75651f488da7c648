import ArgumentParser

/// `demo`: the whole story on built-in data, self-contained. An in-process daemon on a free
/// loopback port and four department replicas in a temporary folder plan a spring campaign,
/// collide offline, sync, show their conflicts, settle one and agree; then everything is removed.
struct Demo: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Watch four departments plan a campaign offline and reconcile (self-contained).")

    func run() async throws {
        let world = try await DemoWorld.start()
        do {
            try await DemoStory(world: world).tell()
        } catch {
            await world.stop()
            throw error
        }
        await world.stop()
    }
}
