import ArgumentParser

/// `outbox [list] [--json] | discard (DOT… | --refused)`.
struct OutboxCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "outbox",
        abstract: "List the unsent ops, or discard some and return to the daemon's state.",
        subcommands: [OutboxList.self, OutboxDiscard.self],
        defaultSubcommand: OutboxList.self
    )
}
