import ArgumentParser

/// `demo`: the whole story on built-in data, self-contained. An in-process daemon on a free
/// loopback port and four department replicas in a temporary folder plan a spring campaign,
/// collide offline, sync, show their conflicts, settle one and agree; planning's lead reads the
/// campaign's health and the meeting's agenda; then everything is removed (`--html FILE` keeps
/// the report of planning's data).
struct Demo: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Watch four departments plan a campaign offline and reconcile (self-contained).")

    @Option(help: ArgumentHelp("Also write the HTML report of planning's data at the end to this file.", valueName: "file"))
    var html: String?

    func run() async throws {
        let world = try await DemoWorld.start()
        do {
            try await DemoStory(world: world, html: html).tell()
        } catch {
            await world.stop()
            throw error
        }
        await world.stop()
    }
}
