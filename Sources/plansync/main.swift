import CommandRunner

// Exit statuses: 0 success, 1 user error, 2 usage, 3 network or server refusal (CLIError).
await CommandRunner(PlanSyncCommand.self, name: "plansync", line: { CLIError.user($0).line }) { error in
    CLIError.from(error).map { CommandFailure(line: $0.line, status: $0.status.rawValue) }
}.main()
