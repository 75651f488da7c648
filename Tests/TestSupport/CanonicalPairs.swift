/// Texts that Swift's `String ==` calls equal while their UTF-8 bytes differ (Unicode canonical
/// equivalence): precomposed against decomposed accents, singleton decompositions (OHM SIGN,
/// ANGSTROM SIGN, KELVIN SIGN), and a Hangul syllable against its jamo. Every replica must keep
/// each of them apart from its partners (DESIGN.md, "Text and numbers").
public enum CanonicalPairs {
    /// Each text is canonically equivalent to at least one other of the list.
    public static let texts = [
        "\u{E9}", "e\u{301}",                         // é precomposed, e + COMBINING ACUTE ACCENT
        "\u{2126}", "\u{3A9}",                        // OHM SIGN, GREEK CAPITAL LETTER OMEGA
        "\u{212B}", "\u{C5}", "A\u{30A}",             // ANGSTROM SIGN, Å, A + COMBINING RING ABOVE
        "\u{212A}", "K",                              // KELVIN SIGN, LATIN CAPITAL LETTER K
        "\u{D55C}", "\u{1112}\u{1161}\u{11AB}",       // 한 as a syllable and as jamo
    ]
}
