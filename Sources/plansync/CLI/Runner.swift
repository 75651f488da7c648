import ArgumentParser

/// Parses the arguments, runs the command and turns every outcome into an exit status:
/// 0 success, 1 user error, 2 usage (the argument parser's message), 3 network or server refusal.
/// Every failure is printed, never thrown further: no stack traces.
enum Runner {
    static func run(_ arguments: [String]) async -> Int32 {
        let command: any ParsableCommand
        do {
            command = try PlanSyncCommand.parseAsRoot(arguments)
        } catch {
            return report(parseError: error)
        }
        do {
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                var syncCommand = command
                try syncCommand.run()
            }
            return 0
        } catch {
            guard let failure = CLIError.from(error) else { return report(parserOrOther: error) }
            Console.err(failure.line)
            return failure.status.rawValue
        }
    }

    /// Help and version go to stdout with status 0; anything else is a usage error on stderr, status 2.
    private static func report(parseError error: any Error) -> Int32 {
        let message = PlanSyncCommand.fullMessage(for: error)
        if PlanSyncCommand.exitCode(for: error) == .success {
            Console.out(message)
            return 0
        }
        Console.err(message)
        return CLIError.Status.usage.rawValue
    }

    /// Errors thrown while running that are not the libraries' typed errors: the parser's own
    /// (`plansync help`, a command's `--help`, a validation) are reported as the parser would;
    /// anything else is one line with status 1.
    private static func report(parserOrOther error: any Error) -> Int32 {
        let code = PlanSyncCommand.exitCode(for: error)
        let message = PlanSyncCommand.fullMessage(for: error)
        if code == .success {
            if !message.isEmpty { Console.out(message) }
            return 0
        }
        if code == .validationFailure {
            Console.err(message)
            return CLIError.Status.usage.rawValue
        }
        if let exit = error as? ExitCode { return exit.rawValue }
        Console.err(CLIError.user(message.isEmpty ? String(describing: error) : message).line)
        return CLIError.Status.user.rawValue
    }
}
