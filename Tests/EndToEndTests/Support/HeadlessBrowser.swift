import Foundation

/// Chromium run headless on a local file, the way CI checks the HTML report: `--dump-dom` for the
/// DOM after scripts ran, with console messages on stderr, and `--screenshot` for a PNG.
struct HeadlessBrowser {
    let url: URL

    /// Whether CI demands the browser test (`PLANSYNC_REQUIRE_BROWSER=1`, set by `.ci/run`).
    static var required: Bool { ProcessInfo.processInfo.environment["PLANSYNC_REQUIRE_BROWSER"] == "1" }

    /// `$CHROMIUM` when set, else `chromium` (or `chromium-browser`) from `$PATH` or /usr/bin; nil
    /// when not installed.
    static func locate() -> HeadlessBrowser? {
        if let given = ProcessInfo.processInfo.environment["CHROMIUM"] {
            return FileManager.default.isExecutableFile(atPath: given) ? HeadlessBrowser(url: URL(fileURLWithPath: given)) : nil
        }
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin"
        for name in ["chromium", "chromium-browser"] {
            for dir in path.split(separator: ":").map(String.init) + ["/usr/bin"] {
                let candidate = URL(fileURLWithPath: dir).appendingPathComponent(name)
                if FileManager.default.isExecutableFile(atPath: candidate.path) { return HeadlessBrowser(url: candidate) }
            }
        }
        return nil
    }

    /// What one browser run printed.
    struct Output {
        var stdout: String
        var stderr: String
    }

    /// Runs chromium headless with `arguments` and the page `file`; killed after `seconds`.
    func run(_ arguments: [String], file: URL, profile: URL, seconds: TimeInterval = 90) throws -> Output {
        let process = Process()
        process.executableURL = url
        process.arguments = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-extensions",
                             "--user-data-dir=\(profile.path)", "--enable-logging=stderr", "--v=0"] + arguments + [file.absoluteString]
        let out = profile.appendingPathExtension("out"), err = profile.appendingPathExtension("err")
        _ = FileManager.default.createFile(atPath: out.path, contents: nil)
        _ = FileManager.default.createFile(atPath: err.path, contents: nil)
        process.standardOutput = try FileHandle(forWritingTo: out)
        process.standardError = try FileHandle(forWritingTo: err)
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let deadline = Date().addingTimeInterval(seconds)
        while process.isRunning, Date() < deadline { Thread.sleep(forTimeInterval: 0.1) }
        if process.isRunning { process.terminate() }
        process.waitUntilExit()
        return Output(stdout: String(decoding: (try? Data(contentsOf: out)) ?? Data(), as: UTF8.self),
                      stderr: String(decoding: (try? Data(contentsOf: err)) ?? Data(), as: UTF8.self))
    }

    /// Console errors a page reported (`CONSOLE(…)` lines with "Uncaught" or "Error" in chromium's log).
    static func consoleErrors(_ stderr: String) -> [String] {
        stderr.split(separator: "\n").map(String.init).filter { $0.contains("CONSOLE") && ($0.contains("Uncaught") || $0.contains("Error")) }
    }
}
