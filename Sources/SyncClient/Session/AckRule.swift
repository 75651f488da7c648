import SyncProtocol

/// An `ack` is all or nothing (DESIGN.md, "A push is all or nothing"): its counts must cover the
/// whole batch before any op leaves the outbox.
enum AckRule {
    static func check(_ ack: Ack, batchSize: Int) throws(SyncClientError) {
        guard ack.accepted + ack.duplicates == batchSize else {
            throw .protocolViolation("ack counts \(ack.accepted) accepted and \(ack.duplicates) duplicates for a push of \(batchSize) \(batchSize == 1 ? "op" : "ops")")
        }
    }
}
