import ArgumentParser
import Foundation
import SyncServer

/// `plansyncd cert create --host NAME [--host NAME…] --out DIR`: a self-signed certificate for a
/// pilot. Writes `DIR/plansyncd-cert.pem` and `DIR/plansyncd-key.pem` (mode 0600) and prints the
/// certificate's SHA-256 as the last line: what `plansync init --tls --pin` takes.
struct Cert: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Make TLS certificates for the daemon.", subcommands: [Create.self])

    struct Create: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write a self-signed key and certificate; the certificate's SHA-256 (the pin) is the last line.")

        @Option(name: .customLong("host"), help: ArgumentHelp("A name or IP address clients connect to (repeatable).", valueName: "name"))
        var hosts: [String] = []

        @Option(help: ArgumentHelp("Directory to write plansyncd-cert.pem and plansyncd-key.pem into (created if missing).", valueName: "dir"))
        var out: String

        @Option(help: "Days the certificate is valid.")
        var days = 825

        func validate() throws {
            guard !hosts.isEmpty else { throw ValidationError("give at least one --host (the name clients connect to)") }
            guard (1...3650).contains(days) else { throw ValidationError("--days must be from 1 to 3650") }
        }

        func run() throws {
            try checkHosts()
            let issued: CertificateFactory.Issued
            do { issued = try CertificateFactory.selfSigned(hosts: hosts, days: days) } catch {
                throw UserError("cannot make the certificate: \(error)")
            }
            let directory = URL(fileURLWithPath: out)
            let certificate = directory.appendingPathComponent("plansyncd-cert.pem")
            let key = directory.appendingPathComponent("plansyncd-key.pem")
            let files = FileManager.default
            for path in [certificate.path, key.path] where files.fileExists(atPath: path) {
                throw UserError("\(path) exists; refusing to overwrite it (choose another --out)")
            }
            do {
                try files.createDirectory(at: directory, withIntermediateDirectories: true)
                try Data(issued.privateKeyPEM.utf8).write(to: key)
                try files.setAttributes([.posixPermissions: 0o600], ofItemAtPath: key.path)
                try Data(issued.certificatePEM.utf8).write(to: certificate)
            } catch {
                throw UserError("cannot write into \(out): \(error.localizedDescription)")
            }
            print("certificate \(certificate.path) for \(hosts.joined(separator: ", ")), valid \(days) days")
            print("private key \(key.path) (keep it on the daemon's machine)")
            print("serve with: plansyncd serve --tls-cert \(certificate.path) --tls-key \(key.path)")
            print("clients: plansync init … --tls --pin <the line below>")
            print(issued.fingerprint)
        }

        /// Refuses a host name no client could connect to (empty, blank, or with spaces or
        /// control characters) before anything is written: a certificate for it would be useless.
        private func checkHosts() throws(UserError) {
            for host in hosts {
                guard !host.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
                    throw UserError("--host: the host name is empty; give the name or IP address clients connect to")
                }
                guard !host.unicodeScalars.contains(where: { $0.properties.isWhitespace || $0.value < 0x20 || $0.value == 0x7F }) else {
                    throw UserError("--host \(host.debugDescription): a host name has no spaces or control characters")
                }
            }
        }
    }
}
