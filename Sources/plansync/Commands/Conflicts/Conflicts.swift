import ArgumentParser

/// `conflicts [list] | show ID | resolve ID (--pick N | --value V) | history`.
struct Conflicts: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List, inspect and settle conflicts.",
        discussion: "Conflict ids may be shortened to any unambiguous prefix.",
        subcommands: [ConflictsList.self, ConflictsShow.self, ConflictsResolve.self, ConflictsHistory.self],
        defaultSubcommand: ConflictsList.self
    )
}
