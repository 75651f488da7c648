import ArgumentParser

/// `plansync`: the department CLI. Enter planning data into the local replica, work offline,
/// sync with the daemon, inspect and settle conflicts, and see the plan as views (goals, health,
/// agenda, review, an HTML report) (DESIGN.md, "Command surface").
struct PlanSyncCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plansync",
        abstract: "Keep your department's copy of the shared planning data, offline, and sync it.",
        discussion: "Start with `plansync demo` to watch four departments plan a campaign and reconcile.",
        subcommands: [
            Init.self, Put.self, Get.self, List.self, Delete.self, Restore.self, Inc.self, Add.self, Remove.self,
            Sync.self, Status.self, Config.self, Log.self, CompactCommand.self, Conflicts.self, Rekey.self, RulesCommand.self, OutboxCommand.self,
            GoalsCommand.self, HealthCommand.self, AgendaCommand.self, ReviewCommand.self, ReportCommand.self, Demo.self,
        ]
    )

    @OptionGroup var replica: ReplicaOptions
}
