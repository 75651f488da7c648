import Foundation

/// Where output goes: results on stdout, the one-line error on stderr, progress only on a terminal.
enum Console {
    /// Writes `text` and a newline to stdout at once, unbuffered: `sync --watch` into a file or a
    /// pipe must show each line as it happens, not when the process ends.
    static func out(_ text: String) {
        try? FileHandle.standardOutput.write(contentsOf: Data((text + "\n").utf8))
    }

    /// Writes `text` and a newline to stderr, unbuffered.
    static func err(_ text: String) {
        FileHandle.standardError.write(Data((text + "\n").utf8))
    }

    /// Whether stdout is a terminal (progress lines are shown only then).
    static var stdoutIsTerminal: Bool { isatty(STDOUT_FILENO) == 1 }

    /// Rewrites the current terminal line with `text` (no newline); call ``endProgress()`` after.
    static func progress(_ text: String) {
        FileHandle.standardOutput.write(Data(("\r\u{1B}[2K" + text).utf8))
    }

    /// Ends a progress line so that the next output starts on a fresh line.
    static func endProgress() {
        FileHandle.standardOutput.write(Data("\r\u{1B}[2K".utf8))
    }
}
