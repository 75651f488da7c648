// libFuzzer harness: a push as a stranger sends it, through what the daemon and every replica do
// with it: decode → admission → apply → canonical form and open conflicts. Two replicas apply
// the accepted ops and must print the same canonical form. Built and run by Fuzz/run.sh.
import Foundation

@_cdecl("LLVMFuzzerTestOneInput")
public func pushApply(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = UnsafeBufferPointer(start: data, count: size)
    guard var reader = try? JSONReader(validating: bytes), let ops = try? OpJSON.readArray(from: &reader),
          let node = ops.first?.node else { return 0 }
    let schema = PlanningSchema.schema
    guard let result = try? Admission.admit(ops, pushedBy: node, schema: schema, log: MemoryOpLog(),
                                           wallMilliseconds: 1 << 47, maxSkewMilliseconds: 300_000) else { return 0 }
    var one = ReplicaState(schema: schema), other = ReplicaState(schema: schema)
    for op in result.accepted {
        do {
            try one.apply(op)
            try other.apply(op)
            try other.apply(op)   // a repeated op changes nothing
        } catch {
            fatalError("admitted but not applicable: \(op.dot): \(error)")
        }
    }
    guard one.canonicalForm() == other.canonicalForm(), one.openConflicts() == other.openConflicts() else {
        fatalError("two replicas of the same ops differ")
    }
    return 0
}
