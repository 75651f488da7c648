import NIOCore

/// How timeouts read in error messages, the same on both sides of the wire.
public enum TimeText {
    /// Whole seconds as "90 s", anything else as milliseconds, "300 ms".
    public static func seconds(_ t: TimeAmount) -> String {
        let ms = t.nanoseconds / 1_000_000
        return ms % 1000 == 0 ? "\(ms / 1000) s" : "\(ms) ms"
    }
}
