import ArgumentParser
import Foundation
import SyncModel

/// `--tls [--ca FILE | --pin SHA256]` (and `--no-tls` where it can be turned off), shared by
/// `init` and `config`: how the replica trusts the daemon's certificate.
struct TLSOptions: ParsableArguments {
    @Flag(help: "Connect with TLS, verifying the daemon against the system trust store (or --ca / --pin).")
    var tls = false

    @Option(help: ArgumentHelp("With --tls: trust only the certificate authorities in this PEM file (a company CA).", valueName: "file"))
    var ca: String?

    @Option(help: ArgumentHelp("With --tls: trust exactly the certificate with this SHA-256 (the last line of plansyncd cert create).", valueName: "sha256"))
    var pin: String?

    /// nil when no TLS option was given; `.some(trust)` otherwise. Throws a one-line user error
    /// for --ca with --pin, --ca/--pin without --tls, a malformed pin, or an unreadable CA file.
    func trust() throws -> ServerTrust? {
        if ca != nil, pin != nil { throw CLIError.user("give --ca or --pin, not both: a pin already names the one certificate to trust") }
        if !tls {
            if ca != nil || pin != nil { throw CLIError.user("--ca and --pin go with --tls") }
            return nil
        }
        if let pin {
            guard let trust = ServerTrust.pin(parsing: pin) else {
                throw CLIError.user("--pin \(pin.prefix(80)) is not a SHA-256 fingerprint: expected 64 hex digits (the last line of plansyncd cert create)")
            }
            return trust
        }
        if let ca {
            let path = URL(fileURLWithPath: ca).standardizedFileURL.path
            guard FileManager.default.isReadableFile(atPath: path) else { throw CLIError.user("--ca \(ca): no readable file there") }
            return .certificateAuthority(path: path)
        }
        return .systemRoots
    }
}
