import NIOCore
import Testing
@testable import SyncProtocol

/// `hello.compression` → `welcome.compression`, decided by the two session state machines.
@Suite("Compression negotiation")
struct CompressionNegotiationTests {
    typealias Action = ServerSession.Action

    static let plainHello = #"{"type":"hello","protocol":1,"node":"sales-laptop","token":"secret","schema":1}"#
    static let deflateHello = #"{"type":"hello","protocol":1,"node":"sales-laptop","token":"secret","schema":1,"compression":["zstd","deflate"]}"#

    private func session(accepting: [WireCompression] = [.deflate]) -> ServerSession {
        ServerSession(configuration: .init(serverNode: "srv", schemaVersion: 1, compression: accepting))
    }

    @Test func anOfferedDeflateIsInflatedAfterHelloAndDeflatedAfterWelcome() {
        var s = session()
        #expect(s.receivedLine(Fixture.buffer(Self.deflateHello)) == [.inflateInput(.deflate), .authenticate(token: "secret")])
        let actions = s.authenticated(department: "sales", head: 3, time: Fixture.hlc)
        #expect(actions == [.send(.welcome(Welcome(server: "srv", department: "sales", time: Fixture.hlc, head: 3, compression: .deflate))),
                            .deflateOutput(.deflate)])
        #expect(s.compression == .deflate)
    }

    @Test func noOfferNoCompression() {
        var s = session()
        #expect(s.receivedLine(Fixture.buffer(Self.plainHello)) == [.authenticate(token: "secret")])
        #expect(s.authenticated(department: "sales", head: 0, time: Fixture.hlc)
            == [.send(.welcome(Welcome(server: "srv", department: "sales", time: Fixture.hlc, head: 0)))])
    }

    @Test func aServerWithoutCompressionAnswersPlain() {
        var s = session(accepting: [])
        #expect(s.receivedLine(Fixture.buffer(Self.deflateHello)) == [.authenticate(token: "secret")])
        #expect(s.authenticated(department: "sales", head: 0, time: Fixture.hlc)
            == [.send(.welcome(Welcome(server: "srv", department: "sales", time: Fixture.hlc, head: 0)))])
    }

    @Test func aRefusedTokenIsAnsweredWithoutSwitchingTheOutput() {
        var s = session()
        _ = s.receivedLine(Fixture.buffer(Self.deflateHello))
        let actions = s.authenticated(department: nil, head: 0, time: Fixture.hlc)
        #expect(!actions.contains(.deflateOutput(.deflate)))
        #expect(actions.last == .close)
    }

    @Test(arguments: [
        #"{"type":"hello","protocol":1,"node":"n","token":"t","schema":1,"compression":"deflate"}"#,
        #"{"type":"hello","protocol":1,"node":"n","token":"t","schema":1,"compression":[1]}"#,
    ])
    func aMalformedOfferIsBadRequestAndFatalBeforeWelcome(line: String) {
        var s = session()
        let actions = s.receivedLine(Fixture.buffer(line))
        guard case .send(.error(let reply))? = actions.first else {
            Issue.record("expected an error, got \(actions)")
            return
        }
        #expect(reply.code == .badRequest && reply.fatal)
        #expect(reply.message.contains("hello.compression"))
    }

    @Test func aStreamThatDoesNotInflateIsBadCompressionAndFatal() {
        var s = session()
        _ = s.receivedLine(Fixture.buffer(Self.deflateHello))
        _ = s.authenticated(department: "sales", head: 0, time: Fixture.hlc)
        let actions = s.corruptStream("the deflate stream is corrupt")
        guard case .send(.error(let reply))? = actions.first else {
            Issue.record("expected an error, got \(actions)")
            return
        }
        #expect(reply.code == .badCompression && reply.fatal)
        #expect(actions.last == .close)
    }

    @Test func theClientOffersWhatItWasGivenAndTakesThePick() throws {
        var client = ClientSession(node: "n", token: "t", schema: 1, compression: [.deflate])
        guard case .hello(let hello) = client.hello() else {
            Issue.record("expected hello")
            return
        }
        #expect(hello.compression == ["deflate"])
        _ = client.receive(.welcome(Welcome(server: "srv", department: "sales", time: Fixture.hlc, head: 0, compression: .deflate)))
        #expect(client.phase == .ready && client.compression == .deflate)
    }

    @Test func aPickTheClientDidNotOfferIsAViolation() {
        var client = ClientSession(node: "n", token: "t", schema: 1)
        _ = client.hello()
        let event = client.receive(.welcome(Welcome(server: "srv", department: "sales", time: Fixture.hlc, head: 0, compression: .deflate)))
        guard case .violation(let text) = event else {
            Issue.record("expected a violation, got \(event)")
            return
        }
        #expect(text.contains("not offered"))
        #expect(client.phase == .closed)
    }

    @Test func aHelloWithoutCompressionIsByteForByteTheOldOne() throws {
        var client = ClientSession(node: "sales-laptop", token: "secret", schema: 1)
        let line = try WireEncoder.line(client.hello())
        #expect(String(buffer: line) == #"{"node":"sales-laptop","protocol":1,"schema":1,"token":"secret","type":"hello"}"# + "\n")
    }

    @Test func offerAndPickTravelAsDocumented() throws {
        var client = ClientSession(node: "n", token: "t", schema: 1, compression: [.deflate])
        #expect(String(buffer: try WireEncoder.line(client.hello()))
            == #"{"compression":["deflate"],"node":"n","protocol":1,"schema":1,"token":"t","type":"hello"}"# + "\n")
        let welcome = try WireEncoder.line(.welcome(Welcome(server: "srv", department: "sales", time: Fixture.hlc, head: 0, compression: .deflate)))
        #expect(String(buffer: welcome).hasPrefix(#"{"compression":"deflate","department":"sales","#))
        #expect(try WireDecoder.serverMessage(from: welcome)
            == .welcome(Welcome(server: "srv", department: "sales", time: Fixture.hlc, head: 0, compression: .deflate)))
    }

    @Test func theFirstOfferedNameTheServerKnowsWins() {
        #expect(WireCompression.choose(offered: ["zstd", "deflate"], accepted: [.deflate]) == .deflate)
        #expect(WireCompression.choose(offered: ["zstd"], accepted: [.deflate]) == nil)
        #expect(WireCompression.choose(offered: nil, accepted: [.deflate]) == nil)
        #expect(WireCompression.choose(offered: ["deflate"], accepted: []) == nil)
    }
}
