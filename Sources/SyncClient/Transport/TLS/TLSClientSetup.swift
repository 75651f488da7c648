import Foundation
import NIOCore
import NIOSSL
import NIOTLS
import SyncModel

/// The client end of TLS (RFC 8446, RFC 5246): TLS 1.2 at least, 1.3 preferred, SNI with the host
/// name, and the server's chain judged by ``ServerCertificateCheck`` so each failure names its
/// cause. What the check found is kept in ``TLSVerdict`` for the error the connection ends with.
enum TLSClientSetup {
    /// The handlers to put first in a client pipeline, before the line framing.
    static func handlers(trust: ServerTrust, host: String, verdict: TLSVerdict) throws -> [any ChannelHandler] {
        var configuration = TLSConfiguration.makeClientConfiguration()
        configuration.minimumTLSVersion = .tlsv12
        // The chain is judged by ServerCertificateCheck alone (the callback below replaces
        // BoringSSL's verification), so the system bundle need not be loaded per connection.
        configuration.trustRoots = .certificates([])
        // Names too are ServerCertificateCheck's (a pin ignores them); NIOSSL would check them again.
        configuration.certificateVerification = .noHostnameVerification
        let context = try NIOSSLContext(configuration: configuration)
        let check = ServerCertificateCheck(trust: trust, host: host)
        let isIP = CharacterSet(charactersIn: "0123456789.:").isSuperset(of: CharacterSet(charactersIn: host))
        let handler = try NIOSSLClientHandler(context: context, serverHostname: isIP ? nil : host,
                                                customVerificationCallback: { certificates, promise in
            let chain = certificates.map { (try? $0.toDERBytes()) ?? [] }
            promise.completeWithTask {
                if let failure = await check.failure(chain: chain) {
                    verdict.record(failure)
                    return .failed
                }
                return .certificateVerified
            }
        })
        return [handler, TLSHandshakeWatch(verdict: verdict)]
    }

    /// The ``SyncClientError`` for an error from the TLS layer: the verdict's reason when the
    /// certificate was refused, else what the handshake's failure says about the peer.
    static func error(for error: any Error, verdict: TLSVerdict, port: Int) -> SyncClientError? {
        if let reason = verdict.reason { return .tls(reason) }
        guard error is NIOSSLError || error is BoringSSLError || error is NIOSSLExtraError else { return nil }
        let text = "\(error)"
        if text.contains("WRONG_VERSION_NUMBER") || text.contains("PACKET_LENGTH_TOO_LONG") || text.contains("HTTP_REQUEST") {
            return .tls("the server did not answer in TLS: port \(port) looks like plain TCP (drop --tls: plansync config --no-tls)")
        }
        if !verdict.handshakeDone {
            return .tls("the TLS handshake with port \(port) failed (is it plain TCP? then drop --tls): \(text)")
        }
        return .tls("TLS error: \(text)")
    }
}

/// What the TLS layer of one connection found: the refusal of the certificate, if any, and
/// whether the handshake completed. Written on the event loop, read by the session task.
final class TLSVerdict: @unchecked Sendable {
    private let lock = NSLock()
    private var refusal: String?
    private var done = false

    func record(_ reason: String) { lock.withLock { if refusal == nil { refusal = reason } } }
    func handshakeCompleted() { lock.withLock { done = true } }
    var reason: String? { lock.withLock { refusal } }
    var handshakeDone: Bool { lock.withLock { done } }
}

/// Notes the end of the handshake, and a connection closed before it (a plain server that hung
/// up on our ClientHello).
final class TLSHandshakeWatch: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = NIOAny
    private let verdict: TLSVerdict

    init(verdict: TLSVerdict) {
        self.verdict = verdict
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if case TLSUserEvent.handshakeCompleted = event { verdict.handshakeCompleted() }
        context.fireUserInboundEventTriggered(event)
    }
}
