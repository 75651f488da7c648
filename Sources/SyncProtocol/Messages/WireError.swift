import SyncModel

/// A refusal the server sends as an `error` line: code, message, and the request id when known.
public struct WireError: Error, Hashable, Sendable, CustomStringConvertible {
    public var code: ErrorCode
    /// One line of text for people; never parsed by programs.
    public var message: String
    /// The `id` of the request this answers, nil when the line had none readable.
    public var id: Int64?

    public init(_ code: ErrorCode, _ message: String, id: Int64? = nil) {
        self.code = code
        self.message = message
        self.id = id
    }

    public var description: String { "\(code.rawValue): \(message)" }

    /// The `error` reply for this refusal.
    public func reply(fatal: Bool) -> ServerMessage {
        .error(ErrorReply(id: id, code: code, message: message, fatal: fatal))
    }
}

extension WireError {
    /// A refused push as a wire error answering request `id`.
    public init(_ refusal: Admission.Refusal, id: Int64) {
        let code: ErrorCode = switch refusal.code {
        case .invalidOp: .invalidOp
        case .seqGap: .seqGap
        case .duplicateDot: .duplicateDot
        case .clockSkew: .clockSkew
        case .forbidden: .forbidden
        case .internalError: .internal
        }
        self.init(code, refusal.message, id: id)
    }
}
