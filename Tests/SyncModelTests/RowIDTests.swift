import Foundation
import SyncModel
import TestSupport
import Testing

@Suite("Row ids (UUID version 7)")
struct RowIDTests {
    @Test func isALowercaseVersion7UUIDWithTheRFCVariant() throws {
        let id = RowID.make(unixMilliseconds: 1_764_400_000_000)
        #expect(id.count == 36 && id == id.lowercased())
        let uuid = try #require(UUID(uuidString: id))
        let bytes = withUnsafeBytes(of: uuid.uuid) { Array($0) }
        #expect(bytes[6] >> 4 == 7)
        #expect(bytes[8] >> 6 == 0b10)
    }

    @Test func startsWithTheUnixMillisecondsBigEndian() {
        let id = RowID.make(unixMilliseconds: 0x0193_7A8B_1C2D)
        #expect(id.hasPrefix("01937a8b-1c2d-7"))
        #expect(RowID.make(unixMilliseconds: .max).hasPrefix("ffffffff-ffff-7"))
        #expect(RowID.make(unixMilliseconds: 0).hasPrefix("00000000-0000-7"))
    }

    @Test func idsSortInTimeOrder() {
        var generator = SplitMix64(seed: 7)
        var previous = ""
        for ms in stride(from: UInt64(1_764_400_000_000), to: 1_764_400_002_000, by: 7) {
            let id = RowID.make(unixMilliseconds: ms, using: &generator)
            #expect(id > previous, "\(id) after \(previous)")
            previous = id
        }
    }

    @Test func idsOfTheSameMillisecondDiffer() {
        let ids = (0..<10_000).map { _ in RowID.make(unixMilliseconds: 1_764_400_000_000) }
        #expect(Set(ids).count == ids.count)
    }
}
