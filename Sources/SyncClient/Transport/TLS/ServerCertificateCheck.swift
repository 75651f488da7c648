import Crypto
import Foundation
import SyncModel
@_spi(FixedExpiryValidationTime) import X509

/// Decides whether the daemon's certificate chain is trusted under a ``ServerTrust``, and if not,
/// names the cause in one line: wrong pin, expired (or not yet valid), host name mismatch, unknown
/// CA. Pure apart from reading the CA file; path validation as RFC 5280 (swift-certificates).
struct ServerCertificateCheck: Sendable {
    let trust: ServerTrust
    /// The host name or IP literal the client connected to.
    let host: String

    /// nil when trusted, else why not. `chain` is DER, leaf first, as the server sent it.
    func failure(chain: [[UInt8]], now: Date = Date()) async -> String? {
        guard let leafDER = chain.first else { return "the server sent no certificate" }
        if case .pinned(let pin) = trust {
            let actual = Hex.text(bytes: SHA256.hash(data: leafDER))
            return actual == pin ? nil : "wrong pin: the server's certificate has SHA-256 \(actual), not the pinned \(pin)"
        }
        let leaf: Certificate
        do { leaf = try Certificate(derEncoded: leafDER) } catch {
            return "the server's certificate cannot be read: \(error)"
        }
        if now > leaf.notValidAfter {
            return "expired certificate: the server's certificate expired at \(Self.text(leaf.notValidAfter))"
        }
        if now < leaf.notValidBefore {
            return "certificate not yet valid: the server's certificate is valid from \(Self.text(leaf.notValidBefore)) (check this computer's clock)"
        }
        if !Self.matches(leaf, host: host) {
            return "host name mismatch: the server's certificate is not issued for \(host) (it names \(Self.names(leaf)))"
        }
        let roots: CertificateStore
        switch trust {
        case .systemRoots:
            roots = CertificateStore.systemTrustRoots
        case .certificateAuthority(let path):
            do { roots = CertificateStore(try Self.certificates(pemFile: path)) } catch {
                return "cannot use the CA file \(path): \(error)"
            }
        case .pinned:
            return nil
        }
        let intermediates = CertificateStore(chain.dropFirst().compactMap { try? Certificate(derEncoded: $0) })
        var verifier = Verifier(rootCertificates: roots) { RFC5280Policy(fixedExpiryValidationTime: now) }
        switch await verifier.validate(leaf: leaf, intermediates: intermediates) {
        case .validCertificate:
            return nil
        case .couldNotValidate:
            var whom = "this computer's trust store"
            if case .certificateAuthority(let path) = trust { whom = "the CA in \(path)" }
            return "unknown CA: the server's certificate (issued by \(leaf.issuer)) is not signed by \(whom)"
        }
    }

    /// Every certificate in a PEM file; throws when there is none or one is malformed.
    static func certificates(pemFile path: String) throws -> [Certificate] {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let begin = "-----BEGIN CERTIFICATE-----", end = "-----END CERTIFICATE-----"
        var found: [Certificate] = []
        var rest = Substring(text)
        while let start = rest.range(of: begin), let stop = rest.range(of: end, range: start.upperBound..<rest.endIndex) {
            found.append(try Certificate(pemEncoded: String(rest[start.lowerBound..<stop.upperBound])))
            rest = rest[stop.upperBound...]
        }
        guard !found.isEmpty else { throw TLSSetupError("no PEM certificate in \(path)") }
        return found
    }

    /// Whether a subject alternative name of `leaf` is `host` (RFC 6125: DNS names compared without
    /// case, a leftmost `*` label standing for one label; IP literals compared as bytes).
    static func matches(_ leaf: Certificate, host: String) -> Bool {
        guard let sans = (try? leaf.extensions.subjectAlternativeNames) ?? nil else { return false }
        if let ip = IPLiteral.bytes(host) {
            return sans.contains { if case .ipAddress(let bytes) = $0 { Array(bytes.bytes) == ip } else { false } }
        }
        let wanted = host.lowercased().split(separator: ".", omittingEmptySubsequences: false)
        return sans.contains { name in
            guard case .dnsName(let dns) = name else { return false }
            let labels = dns.lowercased().split(separator: ".", omittingEmptySubsequences: false)
            guard labels.count == wanted.count, !labels.isEmpty else { return false }
            return zip(labels, wanted).enumerated().allSatisfy { index, pair in pair.0 == pair.1 || (index == 0 && pair.0 == "*") }
        }
    }

    private static func names(_ leaf: Certificate) -> String {
        let sans = ((try? leaf.extensions.subjectAlternativeNames) ?? nil).map { names in
            names.map { name -> String in
                switch name {
                case .dnsName(let dns): dns
                case .ipAddress(let bytes) where bytes.bytes.count == 4: bytes.bytes.map(String.init).joined(separator: ".")
                default: "\(name)"
                }
            }
        } ?? []
        return sans.isEmpty ? "\(leaf.subject)" : sans.joined(separator: ", ")
    }

    private static func text(_ date: Date) -> String {
        UTCText.dateTime(milliseconds: UInt64(max(0, date.timeIntervalSince1970 * 1000)))
    }
}

/// A TLS setting that cannot be used (an unreadable CA file), as one line.
struct TLSSetupError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
