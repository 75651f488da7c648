/// What the daemon's storage says about a presented token (``ServerLogStorage/checkToken(_:nowMilliseconds:recordUse:)``).
public enum TokenCheck: Equatable, Sendable {
    /// Valid: the department it is bound to.
    case valid(department: String)
    /// No such token (only hashes are stored, so a typo looks like this).
    case unknown
    /// Withdrawn with `plansyncd token revoke`.
    case revoked
    /// Past its `token add --expires` date, in Unix milliseconds.
    case expired(atMilliseconds: UInt64)

    /// The department when valid.
    public var department: String? {
        if case .valid(let department) = self { return department }
        return nil
    }

    /// Why a hello with this token is refused (`auth_failed`), nil when valid.
    public var refusal: String? {
        switch self {
        case .valid: nil
        case .unknown: "the token is unknown"
        case .revoked: "the token was revoked"
        case .expired(let ms): "the token expired at \(UTCText.dateTime(milliseconds: ms)); ask the operator for a new one"
        }
    }
}
