/// Strict validation of one JSON text (RFC 8259) in UTF-8 (RFC 3629), before anything is read
/// from it: a line is either all well-formed or refused whole, the way `bad_json` is defined.
///
/// Accepted: whitespace (space, tab, CR, LF) around one value; a leading UTF-8 byte order mark
/// (RFC 8259 §8.1 allows ignoring it, and Foundation's decoder did). Refused: invalid UTF-8 anywhere,
/// control characters in strings, unknown escapes, `\u` escapes that leave a surrogate unpaired,
/// numbers outside the grammar (`01`, `1.`, `.5`, `+1`), trailing commas, trailing content, and
/// more than ``maxDepth`` nested arrays and objects. Runs without recursion, so no input can
/// exhaust the stack.
public enum JSONSyntax {
    /// Deepest nesting of arrays and objects accepted; Foundation's decoder has the same limit.
    public static let maxDepth = 512

    /// Where a text starts once a byte order mark is skipped.
    static func start(of bytes: UnsafeBufferPointer<UInt8>) -> Int {
        bytes.count >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF ? 3 : 0
    }

    /// Nil when `bytes` hold exactly one well-formed JSON text, else what is wrong.
    public static func problem(in bytes: UnsafeBufferPointer<UInt8>) -> String? {
        var scanner = Scanner(bytes: bytes, position: start(of: bytes))
        return scanner.run()
    }

    private enum State {
        case value
        case firstKeyOrEnd
        case key
        case afterValue
    }

    private struct Scanner {
        let bytes: UnsafeBufferPointer<UInt8>
        var position: Int
        /// Bit i set: level i is an object (else an array).
        var objects = [UInt64](repeating: 0, count: (JSONSyntax.maxDepth + 63) / 64)
        var depth = 0

        init(bytes: UnsafeBufferPointer<UInt8>, position: Int) {
            self.bytes = bytes
            self.position = position
        }

        func at(_ i: Int) -> UInt8 { i < bytes.count ? bytes[i] : 0 }

        mutating func skipSpace() {
            while position < bytes.count {
                switch bytes[position] {
                case 0x20, 0x09, 0x0A, 0x0D: position += 1
                default: return
                }
            }
        }

        func unexpected() -> String {
            guard position < bytes.count else { return "the text ends too early" }
            let b = bytes[position]
            let shown = b >= 0x21 && b < 0x7F ? "'\(Character(Unicode.Scalar(b)))'" : "byte 0x\(String(b, radix: 16))"
            return "unexpected \(shown) at byte \(position)"
        }

        mutating func push(object: Bool) -> String? {
            guard depth < JSONSyntax.maxDepth else { return "nested deeper than \(JSONSyntax.maxDepth) levels" }
            let word = depth / 64, bit = UInt64(1) << UInt64(depth % 64)
            if object { objects[word] |= bit } else { objects[word] &= ~bit }
            depth += 1
            return nil
        }

        var inObject: Bool {
            let level = depth - 1
            return objects[level / 64] & (UInt64(1) << UInt64(level % 64)) != 0
        }

        mutating func run() -> String? {
            var state = State.value
            while true {
                skipSpace()
                switch state {
                case .value:
                    switch at(position) {
                    case UInt8(ascii: "{"):
                        if let problem = push(object: true) { return problem }
                        position += 1
                        state = .firstKeyOrEnd
                        continue
                    case UInt8(ascii: "["):
                        if let problem = push(object: false) { return problem }
                        position += 1
                        skipSpace()
                        if at(position) == UInt8(ascii: "]") {
                            position += 1
                            depth -= 1
                            state = .afterValue
                        }
                        continue
                    case UInt8(ascii: "\""):
                        if let problem = string() { return problem }
                    case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                        if let problem = number() { return problem }
                    case UInt8(ascii: "t"):
                        if let problem = literal("true") { return problem }
                    case UInt8(ascii: "f"):
                        if let problem = literal("false") { return problem }
                    case UInt8(ascii: "n"):
                        if let problem = literal("null") { return problem }
                    default:
                        return unexpected()
                    }
                    state = .afterValue
                case .firstKeyOrEnd:
                    if at(position) == UInt8(ascii: "}") {
                        position += 1
                        depth -= 1
                        state = .afterValue
                        continue
                    }
                    state = .key
                    continue
                case .key:
                    guard at(position) == UInt8(ascii: "\"") else { return unexpected() }
                    if let problem = string() { return problem }
                    skipSpace()
                    guard at(position) == UInt8(ascii: ":") else { return unexpected() }
                    position += 1
                    state = .value
                case .afterValue:
                    if depth == 0 {
                        return position == bytes.count ? nil : unexpected()
                    }
                    let b = at(position)
                    if b == UInt8(ascii: ",") {
                        position += 1
                        state = inObject ? .key : .value
                    } else if b == (inObject ? UInt8(ascii: "}") : UInt8(ascii: "]")) {
                        position += 1
                        depth -= 1
                    } else {
                        return unexpected()
                    }
                }
            }
        }

        mutating func literal(_ word: StaticString) -> String? {
            let count = word.utf8CodeUnitCount
            let matches = word.withUTF8Buffer { w in
                position + count <= bytes.count && (0..<count).allSatisfy { bytes[position + $0] == w[$0] }
            }
            guard matches else { return unexpected() }
            position += count
            return nil
        }

        /// `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`
        mutating func number() -> String? {
            if at(position) == UInt8(ascii: "-") { position += 1 }
            let b = at(position)
            if b == UInt8(ascii: "0") {
                position += 1
            } else if b >= UInt8(ascii: "1") && b <= UInt8(ascii: "9") {
                digits()
            } else {
                return unexpected()
            }
            if at(position) == UInt8(ascii: ".") {
                position += 1
                guard isDigit(at(position)) else { return unexpected() }
                digits()
            }
            if at(position) == UInt8(ascii: "e") || at(position) == UInt8(ascii: "E") {
                position += 1
                if at(position) == UInt8(ascii: "+") || at(position) == UInt8(ascii: "-") { position += 1 }
                guard isDigit(at(position)) else { return unexpected() }
                digits()
            }
            return nil
        }

        func isDigit(_ b: UInt8) -> Bool { b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9") }

        mutating func digits() {
            while position < bytes.count, isDigit(bytes[position]) { position += 1 }
        }

        /// A string literal from its opening quote.
        mutating func string() -> String? {
            position += 1
            while position < bytes.count {
                let b = bytes[position]
                if b == UInt8(ascii: "\"") {
                    position += 1
                    return nil
                }
                if b == UInt8(ascii: "\\") {
                    if let problem = escape() { return problem }
                } else if b < 0x20 {
                    return "a control character (0x\(String(b, radix: 16))) inside a string at byte \(position)"
                } else if b < 0x80 {
                    position += 1
                } else {
                    guard let length = JSONSyntax.utf8SequenceLength(bytes, at: position) else {
                        return "invalid UTF-8 at byte \(position)"
                    }
                    position += length
                }
            }
            return "a string is not closed"
        }

        mutating func escape() -> String? {
            let e = at(position + 1)
            switch e {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"),
                 UInt8(ascii: "f"), UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
                position += 2
                return nil
            case UInt8(ascii: "u"):
                guard let unit = JSONSyntax.hex4(bytes, at: position + 2) else { return "a bad \\u escape at byte \(position)" }
                position += 6
                if unit >= 0xDC00 && unit <= 0xDFFF { return "an unpaired surrogate escape at byte \(position - 6)" }
                if unit >= 0xD800 && unit <= 0xDBFF {
                    guard at(position) == UInt8(ascii: "\\"), at(position + 1) == UInt8(ascii: "u"),
                          let low = JSONSyntax.hex4(bytes, at: position + 2), low >= 0xDC00 && low <= 0xDFFF else {
                        return "an unpaired surrogate escape at byte \(position - 6)"
                    }
                    position += 6
                }
                return nil
            default:
                return "an unknown escape at byte \(position)"
            }
        }
    }

    /// Four hex digits at `i` as a UTF-16 code unit, nil if they are not there.
    static func hex4(_ bytes: UnsafeBufferPointer<UInt8>, at i: Int) -> UInt32? {
        guard i + 4 <= bytes.count else { return nil }
        var value: UInt32 = 0
        for k in i..<(i + 4) {
            let b = bytes[k]
            let digit: UInt8
            switch b {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = b - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = b - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = b - UInt8(ascii: "A") + 10
            default: return nil
            }
            value = value << 4 | UInt32(digit)
        }
        return value
    }

    /// The length of the well-formed UTF-8 sequence of 2–4 bytes at `i` (RFC 3629: no overlong
    /// forms, no surrogates, nothing above U+10FFFF), nil if there is none.
    public static func utf8SequenceLength(_ bytes: UnsafeBufferPointer<UInt8>, at i: Int) -> Int? {
        func continuation(_ k: Int, _ low: UInt8 = 0x80, _ high: UInt8 = 0xBF) -> Bool {
            k < bytes.count && bytes[k] >= low && bytes[k] <= high
        }
        let lead = bytes[i]
        switch lead {
        case 0xC2...0xDF:
            return continuation(i + 1) ? 2 : nil
        case 0xE0:
            return continuation(i + 1, 0xA0) && continuation(i + 2) ? 3 : nil
        case 0xE1...0xEC, 0xEE...0xEF:
            return continuation(i + 1) && continuation(i + 2) ? 3 : nil
        case 0xED:
            return continuation(i + 1, 0x80, 0x9F) && continuation(i + 2) ? 3 : nil
        case 0xF0:
            return continuation(i + 1, 0x90) && continuation(i + 2) && continuation(i + 3) ? 4 : nil
        case 0xF1...0xF3:
            return continuation(i + 1) && continuation(i + 2) && continuation(i + 3) ? 4 : nil
        case 0xF4:
            return continuation(i + 1, 0x80, 0x8F) && continuation(i + 2) && continuation(i + 3) ? 4 : nil
        default:
            return nil
        }
    }
}
