import SyncModel

/// Random ops of every kind, with the text and numbers that trip JSON coders: escapes, control
/// characters, non-BMP and combining characters, edge integers and doubles.
public struct RandomOps {
    public var rng: SplitMix64

    public init(seed: UInt64) { rng = SplitMix64(seed: seed) }

    public static let pieces: [String] = [
        "a", "Z", "0", " ", "\"", "\\", "/", "\n", "\r", "\t", "\u{8}", "\u{C}", "\u{0}", "\u{1}", "\u{1F}", "\u{7F}",
        "é", "日本", "推广", "😀", "e\u{301}", "\u{2028}", "\u{2029}", "\u{FEFF}", "\u{10FFFF}", "x:1", "{}", "[]",
    ]

    public mutating func text(maxPieces: Int = 6) -> String {
        (0..<Int.random(in: 0...maxPieces, using: &rng)).map { _ in rng.pick(Self.pieces) }.joined()
    }

    public mutating func node() -> String {
        let chars = Array("ABCXYZabcxyz0189._-")
        return String((0..<Int.random(in: 1...12, using: &rng)).map { _ in rng.pick(chars) })
    }

    public mutating func seq() -> UInt64 {
        rng.pick([1, 2, 9, 10, 99, 1 << 32, Dot.maxSeq - 1, Dot.maxSeq, UInt64.random(in: 1...Dot.maxSeq, using: &rng)])
    }

    public mutating func dot() -> Dot { Dot(node: node(), seq: seq()) }

    /// Integers a wire op may carry: within ±2^53, its edges included (beyond is refused as written;
    /// `NumberLimitTests` and the broken-op tests cover that).
    public mutating func integer() -> Int64 {
        rng.pick([0, 1, -1, 42, -1200, 1 << 53, -(1 << 53), (1 << 53) - 1, 1 << 32, Int64.random(in: -(1 << 53) ... (1 << 53), using: &rng)])
    }

    /// Finite doubles within ±2^53: tiny, subnormal, with long fractions, and the edges.
    public mutating func real() -> Double {
        rng.pick([0.5, -0.25, 0.1, 1e-7, 2.5e-5, -1e-300, 123456.789, .leastNonzeroMagnitude, 9_007_199_254_740_992, 4_503_599_627_370_495.5,
                  Double.random(in: -1e6...1e6, using: &rng), Double(bitPattern: rng.next() & 0xC33F_FFFF_FFFF_FFFF)])
    }

    public mutating func value() -> Value {
        switch Int.random(in: 0..<6, using: &rng) {
        case 0: .null
        case 1: .bool(rng.chance(0.5))
        case 2: .integer(integer())
        case 3: .real(real())
        default: .text(text())
        }
    }

    public mutating func op() -> Op {
        let kind = rng.pick(OpKind.allCases)
        var op = Op(collection: text(maxPieces: 3), row: text(maxPieces: 3), field: rng.chance(0.3) ? Op.deletedField : text(maxPieces: 3),
                    kind: kind, node: node(), seq: seq(), hlc: HLCTimestamp(raw: rng.next()))
        switch kind {
        case .set:
            op.value = value()
            op.replaces = (0..<Int.random(in: 0...3, using: &rng)).map { _ in dot() }
            if op.field == Op.deletedField || rng.chance(0.4) {   // required on `_deleted`
                op.context = VersionVector(Dictionary((0..<Int.random(in: 0...4, using: &rng)).map { _ in (node(), seq()) }, uniquingKeysWith: max))
            }
        case .inc:
            op.delta = Int64.random(in: -(1 << 53)...(1 << 53), using: &rng)
        case .add:
            op.element = text()
        case .remove:
            op.element = text()
            op.removes = (0..<Int.random(in: 0...3, using: &rng)).map { _ in dot() }
        }
        if rng.chance(0.5) {
            op.department = text(maxPieces: 2)
            op.log = seq()
        }
        return op
    }
}
