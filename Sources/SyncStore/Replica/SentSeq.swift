import GRDB

/// `ps_identity.sent_seq`: the highest own seq this replica may have put on the wire, raised
/// before each push goes out (``ReplicaStore/markSent(through:)``) and stated in it as
/// `sent_through`.
///
/// A daemon that compacted a dot cannot compare a pushed op with it, and counts an op sent again
/// after a lost acknowledgement as a duplicate. An op above this mark was never sent, so when the
/// daemon holds its dot another replica made that op under the same node id (a copied file, or a
/// node id used again after a reinstall), and the daemon refuses it with `duplicate_dot` instead
/// of dropping it unseen (protocol/PROTOCOL.md §5, step 4).
enum SentSeq {
    static let mark = IdentityMark(column: "sent_seq")

    /// The migration's first value: every own op made so far may have been sent (a lost
    /// acknowledgement leaves no trace), so only ops made after it count as never sent.
    static let migration = """
        ALTER TABLE ps_identity ADD COLUMN sent_seq INTEGER NOT NULL DEFAULT 0;
        UPDATE ps_identity SET sent_seq = next_seq - 1;
        """
}
