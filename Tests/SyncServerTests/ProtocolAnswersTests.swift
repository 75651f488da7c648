import Foundation
import SyncModel
import SyncProtocol
import Testing
@testable import SyncServer

/// The answers PROTOCOL.md gives to what an independent client had to guess, each against the
/// real daemon: number spellings, line ends, optional and required op members, the empty push.
@Suite("Protocol answers", .serialized)
struct ProtocolAnswersTests {
    static func hlc() -> String { Ops.now.description }

    @Test func wholeNumbersInAnySpellingAreIntegers() async throws {
        let daemon = try await TestDaemon.start()
        let client = try await daemon.session(node: "n1")
        for (spelling, id) in [("1e3", Int64(1000)), ("5.0", 5), ("50e-1", 5), ("-0", 0)] {
            try await client.send(#"{"type":"ping","id":\#(spelling)}"#)
            guard case .pong(let pong) = try await client.message() else { Issue.record("\(spelling): no pong"); continue }
            #expect(pong.id == id, "\(spelling)")
        }
        for refused in ["5.5", "9007199254740992.5", "90071992547409921e-1", "-9007199254740993"] {
            try await client.send(#"{"type":"ping","id":\#(refused)}"#)
            guard case .error(let error) = try await client.message() else { Issue.record("\(refused) accepted"); return }
            #expect(error.code == .badRequest && !error.fatal, "\(refused)")
        }
        try await client.send(#"{"type":"pull","id":1,"since":9007199254740992.5}"#)
        guard case .error(let since) = try await client.message() else { Issue.record("since beyond 2^53 accepted"); return }
        #expect(since.code == .badRequest)
        await daemon.stop()
    }

    @Test func oneCarriageReturnIsRemovedAndJSONWhiteSpaceRemains() async throws {
        let daemon = try await TestDaemon.start()
        let client = try await daemon.session(node: "n1")
        for line in [#"{"type":"ping","id":1}"# + "\r\r\n", " " + #"{"type":"ping","id":2}"# + " \r\n", #"{"type":"ping","id":3}"# + "\t\n"] {
            try await client.sendRaw(Array(line.utf8))
            guard case .pong = try await client.message() else { Issue.record("\(line.debugDescription) not read"); continue }
        }
        await daemon.stop()
    }

    @Test func emptyPushIsAcknowledgedWithNothingAccepted() async throws {
        let daemon = try await TestDaemon.start()
        let client = try await daemon.session(node: "n1")
        let reply = try await client.push(id: 4, [])
        guard case .ack(let ack) = reply else { Issue.record("\(reply)"); return }
        #expect(ack.id == 4 && ack.accepted == 0 && ack.duplicates == 0 && ack.head == 0)
        await daemon.stop()
    }

    @Test func replacesMayBeAbsentButADeleteNeedsItsContext() async throws {
        let daemon = try await TestDaemon.start()
        let client = try await daemon.session(node: "n1")
        let create = #"{"collection":"projects","row":"r1","field":"_deleted","kind":"set","node":"n1","seq":1,"hlc":"\#(Self.hlc())","value":false,"context":{}}"#
        let name = #"{"collection":"projects","row":"r1","field":"name","kind":"set","node":"n1","seq":2,"hlc":"\#(Self.hlc())","value":"x"}"#
        try await client.send(#"{"type":"push","id":1,"ops":[\#(create),\#(name)]}"#)
        guard case .ack(let ack) = try await client.message() else { Issue.record("a set without replaces was refused"); return }
        #expect(ack.accepted == 2)
        for context in ["", #","context":null"#] {
            let delete = #"{"collection":"projects","row":"r1","field":"_deleted","kind":"set","node":"n1","seq":3,"hlc":"\#(Self.hlc())","value":true,"replaces":["n1:1"]\#(context)}"#
            try await client.send(#"{"type":"push","id":2,"ops":[\#(delete)]}"#)
            guard case .error(let error) = try await client.message() else { Issue.record("a delete without context was accepted"); return }
            #expect(error.code == .missingField && error.message.contains("context"), "\(error)")
        }
        await daemon.stop()
    }
}
