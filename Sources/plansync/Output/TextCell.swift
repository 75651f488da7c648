/// Makes untrusted text safe and bounded for one table cell or one line of human output.
///
/// Values come from other departments over the network: control characters (newlines, tabs, ESC
/// sequences that could drive the terminal) are shown as a space or `�`, never passed through;
/// so are the bidirectional embedding, override and isolate controls, which would reorder the
/// rest of a line on screen (Unicode TR #9; CVE-2021-42574, "Trojan Source").
enum TextCell {
    /// `text` on one line: line breaks and tabs become spaces, other controls and bidi
    /// embeddings, overrides and isolates become U+FFFD. Right-to-left text itself is kept.
    static func oneLine(_ text: String) -> String {
        var out = ""
        out.unicodeScalars.reserveCapacity(text.unicodeScalars.count)
        for scalar in text.unicodeScalars {
            switch scalar.value {
            case 0x09, 0x0A, 0x0D, 0x2028, 0x2029: out.unicodeScalars.append(" ")
            case 0x00..<0x20, 0x7F..<0xA0, 0x202A...0x202E, 0x2066...0x2069: out.unicodeScalars.append("\u{FFFD}")
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// `text` cut to at most `columns` display columns, ending in `…` when cut.
    static func truncated(_ text: String, to columns: Int) -> String {
        guard columns > 0 else { return "" }
        if DisplayWidth.of(text) <= columns { return text }
        var out = ""
        var used = 0
        for character in text {
            let w = DisplayWidth.of(character)
            if used + w > columns - 1 { break }
            out.append(character)
            used += w
        }
        return out + "…"
    }

    /// `text` followed by spaces up to `columns` display columns.
    static func padded(_ text: String, to columns: Int) -> String {
        let missing = columns - DisplayWidth.of(text)
        return missing > 0 ? text + String(repeating: " ", count: missing) : text
    }
}
