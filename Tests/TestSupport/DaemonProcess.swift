import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A `plansyncd` child process (the built binary), for tests that run the daemon as a user does:
/// `serve` on a free port read from its log, one-shot commands (`token add`, `compact`), kill -9.
public struct DaemonProcess: Sendable {
    public let process: Process
    /// The port `serve --port 0` reported ("listening on HOST:PORT").
    public let port: Int
    /// The metrics port `serve --metrics-port` reported ("metrics on http://127.0.0.1:PORT/metrics"), nil without one.
    public var metricsPort: Int? = nil

    /// A command that failed or a daemon that did not start; says which.
    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    /// Runs `plansyncd ARGUMENTS` to completion and returns its stdout; throws unless it exits 0.
    public static func run(_ binary: URL, _ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw Failure(description: "plansyncd \(arguments.joined(separator: " ")) exited \(process.terminationStatus)") }
        return String(decoding: data, as: UTF8.self)
    }

    /// Starts `plansyncd serve --port 0 --data DATA EXTRA…` and reads the bound port from its log
    /// (waiting up to 30 s).
    public static func launch(_ binary: URL, data: String, _ extra: [String] = []) throws -> DaemonProcess {
        try launch(binary, storage: ["--data", data], extra)
    }

    /// Starts `plansyncd serve --port 0 STORAGE… EXTRA…` (`["--postgres", URL]`, say) as
    /// ``launch(_:data:_:)`` does.
    public static func launch(_ binary: URL, storage: [String], _ extra: [String] = []) throws -> DaemonProcess {
        let process = Process()
        process.executableURL = binary
        process.arguments = ["serve", "--port", "0"] + storage + extra
        let err = Pipe()
        process.standardError = err
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        var text = ""
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline {
            let chunk = err.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            text += String(decoding: chunk, as: UTF8.self)
            if let range = text.range(of: #"listening on [^ ]+:(\d+)"#, options: .regularExpression),
               let port = Int(text[range].split(separator: ":").last ?? "") {
                // Keep draining stderr so the daemon never blocks on a full pipe.
                let handle = err.fileHandleForReading
                handle.readabilityHandler = { h in _ = h.availableData }
                // The metrics endpoint starts before the daemon listens, so its line came first.
                let metrics = text.range(of: #"metrics on http://127\.0\.0\.1:(\d+)/"#, options: .regularExpression)
                    .flatMap { Int(text[$0].dropLast().split(separator: ":").last ?? "") }
                return DaemonProcess(process: process, port: port, metricsPort: metrics)
            }
        }
        process.terminate()
        throw Failure(description: "plansyncd did not report a port: \(text)")
    }

    /// SIGKILL, then waits for the exit.
    public func kill9() {
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    /// SIGTERM, then waits for the exit.
    public func terminate() {
        process.terminate()
        process.waitUntilExit()
    }
}
