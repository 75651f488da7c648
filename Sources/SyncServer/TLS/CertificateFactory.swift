import Crypto
import Foundation
import SwiftASN1
import SyncModel
import X509

/// Makes P-256 keys and X.509 certificates (RFC 5280) as PEM: a self-signed server certificate for
/// a pilot (`plansyncd cert create`), a CA and certificates it signs (tests, the demo).
public enum CertificateFactory {
    /// A certificate with its private key, both PEM.
    public struct Issued: Sendable {
        public let certificatePEM: String
        public let privateKeyPEM: String
        /// SHA-256 of the certificate's DER, 64 lowercase hex digits: what `--pin` takes.
        public let fingerprint: String
        let certificate: Certificate
        let key: Certificate.PrivateKey
    }

    /// A self-signed server certificate for `hosts` (DNS names or IP literals, which become the
    /// subject alternative names), valid from an hour ago for `days` days.
    public static func selfSigned(hosts: [String], days: Int = 825, now: Date = Date()) throws -> Issued {
        let key = P256.Signing.PrivateKey()
        let name = try DistinguishedName { CommonName(hosts.first ?? "plansyncd") }
        return try issue(subject: name, key: .init(key), hosts: hosts, isCA: false, notBefore: now - 3600,
                         notAfter: now + Double(days) * 86_400, issuerName: name, issuerKey: .init(key))
    }

    /// A certificate authority named `name`, valid for `days` days.
    public static func authority(name: String, days: Int = 3650, now: Date = Date()) throws -> Issued {
        let key = P256.Signing.PrivateKey()
        let subject = try DistinguishedName { CommonName(name) }
        return try issue(subject: subject, key: .init(key), hosts: [], isCA: true, notBefore: now - 3600,
                         notAfter: now + Double(days) * 86_400, issuerName: subject, issuerKey: .init(key))
    }

    /// A server certificate for `hosts` signed by `authority`, valid from `notBefore` to `notAfter`
    /// (an expired one for tests has both in the past).
    public static func server(hosts: [String], signedBy authority: Issued, notBefore: Date = Date() - 3600,
                              notAfter: Date = Date() + 90 * 86_400) throws -> Issued {
        let key = P256.Signing.PrivateKey()
        let subject = try DistinguishedName { CommonName(hosts.first ?? "plansyncd") }
        return try issue(subject: subject, key: .init(key), hosts: hosts, isCA: false, notBefore: notBefore,
                         notAfter: notAfter, issuerName: authority.certificate.subject, issuerKey: authority.key)
    }

    /// SHA-256 of DER bytes, lowercase hex.
    public static func fingerprint(der: some Sequence<UInt8>) -> String {
        Hex.text(bytes: SHA256.hash(data: Array(der)))
    }

    private static func issue(subject: DistinguishedName, key: Certificate.PrivateKey, hosts: [String], isCA: Bool,
                              notBefore: Date, notAfter: Date, issuerName: DistinguishedName,
                              issuerKey: Certificate.PrivateKey) throws -> Issued {
        let names: [GeneralName] = hosts.map { host in
            if let bytes = IPLiteral.bytes(host) { return .ipAddress(ASN1OctetString(contentBytes: ArraySlice(bytes))) }
            return .dnsName(host)
        }
        let extensions = try Certificate.Extensions {
            Critical(isCA ? BasicConstraints.isCertificateAuthority(maxPathLength: 0) : BasicConstraints.notCertificateAuthority)
            if isCA {
                Critical(KeyUsage(digitalSignature: true, keyCertSign: true, cRLSign: true))
            } else {
                Critical(KeyUsage(digitalSignature: true))
                try ExtendedKeyUsage([.serverAuth])
                SubjectAlternativeNames(names)
            }
        }
        let certificate = try Certificate(
            version: .v3, serialNumber: Certificate.SerialNumber(), publicKey: key.publicKey,
            notValidBefore: notBefore, notValidAfter: notAfter, issuer: issuerName, subject: subject,
            signatureAlgorithm: .ecdsaWithSHA256, extensions: extensions, issuerPrivateKey: issuerKey)
        var serializer = DER.Serializer()
        try serializer.serialize(certificate)
        return Issued(certificatePEM: try certificate.serializeAsPEM().pemString, privateKeyPEM: try key.serializeAsPEM().pemString,
                      fingerprint: fingerprint(der: serializer.serializedBytes), certificate: certificate, key: key)
    }
}
