import Foundation
import NIOCore
import NIOSSL

/// The daemon's TLS certificate and key (PEM files, `plansyncd serve --tls-cert F --tls-key F`).
/// TLS 1.2 at least, 1.3 preferred (RFC 8446, RFC 5246); no client certificates are asked for.
public struct ServerTLSFiles: Sendable, Equatable {
    /// PEM certificate chain, leaf first.
    public var certificatePath: String
    /// PEM private key of the leaf.
    public var keyPath: String

    public init(certificatePath: String, keyPath: String) {
        self.certificatePath = certificatePath
        self.keyPath = keyPath
    }

    /// Throws ``ServerTLSError`` naming the file when the pair cannot serve TLS.
    public func check() throws {
        _ = try makeContext()
    }

    /// A server context from the files; throws ``ServerTLSError`` naming the file that is wrong.
    func makeContext() throws -> NIOSSLContext {
        let chain: [NIOSSLCertificate]
        do { chain = try NIOSSLCertificate.fromPEMFile(certificatePath) } catch {
            throw ServerTLSError("cannot read the certificate \(certificatePath): \(error)")
        }
        guard !chain.isEmpty else { throw ServerTLSError("no PEM certificate in \(certificatePath)") }
        let key: NIOSSLPrivateKey
        do { key = try NIOSSLPrivateKey(file: keyPath, format: .pem) } catch {
            throw ServerTLSError("cannot read the private key \(keyPath): \(error)")
        }
        var configuration = TLSConfiguration.makeServerConfiguration(certificateChain: chain.map { .certificate($0) }, privateKey: .privateKey(key))
        configuration.minimumTLSVersion = .tlsv12
        do { return try NIOSSLContext(configuration: configuration) } catch {
            throw ServerTLSError("the certificate \(certificatePath) and key \(keyPath) do not form a TLS identity (do they belong together?): \(error)")
        }
    }

    /// Modification times and sizes of both files, to notice a renewal.
    func stamp() -> [String] {
        [certificatePath, keyPath].map { path in
            let attributes = try? FileManager.default.attributesOfItem(atPath: path)
            let date = (attributes?[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0
            return "\(date)/\(attributes?[.size] as? Int ?? -1)"
        }
    }
}

/// A TLS setup problem, as one line.
public struct ServerTLSError: Error, CustomStringConvertible, Sendable {
    public let description: String
    init(_ description: String) { self.description = description }
}

/// The context new connections get; replaced when the files are renewed (``reload()``), without
/// touching connections already open.
final class ServerTLSContext: @unchecked Sendable {
    let files: ServerTLSFiles
    private let lock = NSLock()
    private var context: NIOSSLContext
    private var stamp: [String]

    init(files: ServerTLSFiles) throws {
        self.files = files
        stamp = files.stamp()
        context = try files.makeContext()
    }

    /// The context for a new connection.
    var current: NIOSSLContext { lock.withLock { context } }

    /// Whether the files changed since they were last loaded.
    var filesChanged: Bool { lock.withLock { stamp != files.stamp() } }

    /// Loads the files again; on error the previous certificate stays in use.
    func reload() throws {
        let newStamp = files.stamp()
        let fresh = try files.makeContext()
        lock.withLock {
            context = fresh
            stamp = newStamp
        }
    }
}
