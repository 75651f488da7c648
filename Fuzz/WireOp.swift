// libFuzzer harness: one op as a stranger sends it. The fast codec (OpJSON) against the oracle
// (Foundation's JSONDecoder through `Op: Codable`, Tests/TestSupport/OpCodable.swift), and its own round trip. Built and run by
// Fuzz/run.sh; see docs/fuzzing.md.
import Foundation

@_cdecl("LLVMFuzzerTestOneInput")
public func wireOp(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = UnsafeBufferPointer(start: data, count: size)
    guard let fast = try? OpJSON.decode(bytes) else { return 0 }
    // The codec is stricter than the oracle (RFC 8259 syntax, ±2^53 as written), never looser:
    // what it accepts, Foundation reads as the same op.
    guard let oracle = try? JSONDecoder().decode(Op.self, from: Data(bytes)) else {
        fatalError("accepted by the codec, refused by the oracle: \(String(decoding: bytes, as: UTF8.self))")
    }
    guard oracle == fast else {
        fatalError("the codec and the oracle read different ops: \(fast) / \(oracle)")
    }
    // What the codec writes, it reads back as the same op.
    guard let written = try? OpJSON.encode(fast) else { return 0 }   // a non-finite real is refused on write
    guard let again = written.withUnsafeBufferPointer({ try? OpJSON.decode($0) }), again == fast else {
        fatalError("round trip changed the op: \(String(decoding: written, as: UTF8.self))")
    }
    return 0
}
