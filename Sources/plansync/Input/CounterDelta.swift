import SyncModel

/// The DELTA of `inc`: a whole number, optionally signed, within ±2^53 (the wire limit), not zero.
enum CounterDelta {
    static func parse(_ text: String, path: String) throws(CLIError) -> Int64 {
        guard let delta = Int64(text) else {
            throw .user("\(path): \(JSONText.quote(String(text.prefix(80)))) is not a whole number (a counter changes by +N or -N)")
        }
        guard delta.magnitude <= Dot.maxSeq else { throw .user("\(path): \(text) is beyond ±2^53") }
        guard delta != 0 else { throw .user("\(path): a change of 0 does nothing") }
        return delta
    }
}
