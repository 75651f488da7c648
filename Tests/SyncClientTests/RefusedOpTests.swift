import SyncClient
import SyncModel
import Testing

/// The one reader of the op a push refusal names, used by the client's retry and the CLI's advice.
@Suite("refused op")
struct RefusedOpTests {
    @Test("the dot of `op I (DOT): …`, also quoted after a colon")
    func readsTheDot() {
        #expect(RefusedOp.dot(in: "op 2 (sales-laptop:17): unknown field \"x\"") == Dot(node: "sales-laptop", seq: 17))
        #expect(RefusedOp.dot(in: "server refused: invalid_op: op 0 (r-d:9007199254740992): beyond") == Dot(node: "r-d", seq: 1 << 53))
    }

    @Test("nothing from a message that names no op, or names it badly", arguments: [
        "", "op", "op (a:1): x", "op 2 a:1: x", "op 2 (a:1: x", "op 2 (a:0): x", "op 2 (a:9007199254740993): x",
        "op 2 (bad node:1): x", "op x2 (a:1): x", "the op 2 (a:1): x", "op 2 (a:01x): x",
    ])
    func refusesOtherMessages(_ message: String) {
        #expect(RefusedOp.dot(in: message) == nil)
    }
}
