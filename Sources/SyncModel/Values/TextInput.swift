/// Text that enters from outside the wire: command-line arguments and files. Texts hold valid
/// UTF-8 without U+0000, or are refused (DESIGN.md, "Text and numbers"); nothing is repaired into
/// U+FFFD or cut at a NUL silently.
///
/// ```swift
/// switch TextInput.arguments() {
/// case .success(let arguments): run(arguments)
/// case .failure(let bad): print("argument \(bad.position) is not valid UTF-8")   // exit 1
/// }
/// ```
public enum TextInput {
    /// An argument whose bytes are not valid UTF-8; ``position`` counts from 1 after the program name.
    public struct InvalidArgument: Error, Equatable, Sendable, CustomStringConvertible {
        public let position: Int
        public var description: String { "argument \(position) is not valid UTF-8; nothing was written" }
    }

    /// The process's arguments after the program name, each checked as UTF-8. The standard
    /// library's `CommandLine.arguments` repairs bad bytes into U+FFFD, so they are read raw.
    public static func arguments() -> Result<[String], InvalidArgument> {
        var out: [String] = []
        let argv = CommandLine.unsafeArgv
        for i in 1..<Int(CommandLine.argc) {
            guard let pointer = argv[i] else { continue }
            guard let text = String(validatingCString: pointer) else { return .failure(InvalidArgument(position: i)) }
            out.append(text)
        }
        return .success(out)
    }

}
