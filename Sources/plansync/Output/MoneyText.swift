/// Money in minor units (fen, cents) as people read it: `80,000.00`, `¥62,000.00`.
enum MoneyText {
    /// Major units with thousands separators and two decimals: 6200000 → `62,000.00`.
    static func amount(_ minor: Int64) -> String {
        let sign = minor < 0 ? "-" : ""
        let whole = String(minor.magnitude / 100)
        var grouped = ""
        for (i, digit) in whole.reversed().enumerated() {
            if i > 0, i % 3 == 0 { grouped.append(",") }
            grouped.append(digit)
        }
        let cents = minor.magnitude % 100
        return "\(sign)\(String(grouped.reversed())).\(cents < 10 ? "0" : "")\(cents)"
    }

    /// ``amount(_:)`` with the yuan sign: `¥62,000.00`, `-¥5.00`.
    static func yuan(_ minor: Int64) -> String {
        let text = amount(minor)
        return text.hasPrefix("-") ? "-¥" + text.dropFirst() : "¥" + text
    }
}
