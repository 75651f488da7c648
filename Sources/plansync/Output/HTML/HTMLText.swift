/// Text made safe for HTML and inline SVG: `&`, `<`, `>`, `"` and `'` escaped, control and bidi
/// characters neutralised as in terminal output (``TextCell/oneLine(_:)``).
enum HTMLText {
    static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for scalar in TextCell.oneLine(text).unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}
