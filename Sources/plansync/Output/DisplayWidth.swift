/// How many terminal columns text takes, so tables stay aligned with Chinese, Japanese, Korean and
/// emoji text.
///
/// Rules (Unicode Standard Annex #11, East Asian Width; UTS #51 for emoji): a character whose first
/// scalar is East Asian Wide or Fullwidth, or has default emoji presentation, or carries U+FE0F
/// (emoji presentation selector) takes 2 columns; combining marks, format characters and controls 0;
/// everything else 1. A grapheme cluster (`Character`) counts once, so ZWJ sequences and flags are 2.
/// ```swift
/// DisplayWidth.of("策划部")      // 6
/// DisplayWidth.of("2027 🌸")     // 7
/// ```
enum DisplayWidth {
    /// Columns taken by `text`.
    static func of(_ text: String) -> Int {
        var total = 0
        for character in text { total += of(character) }
        return total
    }

    /// Columns taken by one grapheme cluster: 0, 1 or 2.
    static func of(_ character: Character) -> Int {
        let scalars = character.unicodeScalars
        guard let first = scalars.first else { return 0 }
        if scalars.contains(where: { $0.value == 0xFE0F }) { return 2 }
        return width(of: first)
    }

    /// Columns of one scalar on its own.
    static func width(of scalar: Unicode.Scalar) -> Int {
        let v = scalar.value
        if v < 0x20 || (0x7F..<0xA0).contains(v) { return 0 }
        if v < 0x300 { return 1 }
        switch scalar.properties.generalCategory {
        case .nonspacingMark, .enclosingMark, .format: return 0
        default: break
        }
        if scalar.properties.isEmojiPresentation || isEastAsianWide(v) { return 2 }
        return 1
    }

    /// East Asian Wide (W) and Fullwidth (F) blocks of EastAsianWidth.txt, without the emoji,
    /// which ``width(of:)`` takes from the emoji presentation property.
    static func isEastAsianWide(_ v: UInt32) -> Bool {
        for range in wideRanges where range.contains(v) { return true }
        return false
    }

    private static let wideRanges: [ClosedRange<UInt32>] = [
        0x1100...0x115F,   // Hangul Jamo initial consonants
        0x2329...0x232A,   // angle brackets
        0x2E80...0x303E,   // CJK radicals, Kangxi, ideographic description, CJK symbols and punctuation
        0x3041...0x33FF,   // Hiragana, Katakana, Bopomofo, Hangul compatibility, Kanbun, CJK strokes, enclosed, compatibility
        0x3400...0x4DBF,   // CJK extension A
        0x4E00...0x9FFF,   // CJK unified ideographs
        0xA000...0xA4CF,   // Yi
        0xA960...0xA97F,   // Hangul Jamo extended A
        0xAC00...0xD7A3,   // Hangul syllables
        0xF900...0xFAFF,   // CJK compatibility ideographs
        0xFE10...0xFE19,   // vertical forms
        0xFE30...0xFE6F,   // CJK compatibility forms, small form variants
        0xFF00...0xFF60,   // fullwidth forms
        0xFFE0...0xFFE6,   // fullwidth signs
        0x16FE0...0x16FE4, // ideographic symbols
        0x17000...0x18CFF, // Tangut
        0x1B000...0x1B2FF, // Kana supplement, Nushu
        0x1F200...0x1F2FF, // enclosed ideographic supplement
        0x20000...0x2FFFD, // CJK extensions B–F, compatibility supplement
        0x30000...0x3FFFD, // CJK extensions G–H
    ]
}
