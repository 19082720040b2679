import Text

/// Random lines mixing many scripts and the awkward cases of tokenisation: accents as
/// combining marks, digits, punctuation, emoji sequences, tabs and odd spaces, and the
/// tokenizer's own mark characters.
enum RandomText {
    static let alphabets: [[String]] = [
        ["a", "b", "c", "e", "z", "A", "B", "Z", "é", "ñ", "ü", "ß", "ø", "É", "Ü", "ǅ", "ﬁ"],  // Latin
        ["а", "б", "в", "ж", "я", "Ж", "Я", "ё", "Ё"],  // Cyrillic
        ["α", "β", "γ", "σ", "ς", "Σ", "Ω", "ά"],  // Greek
        ["ا", "ب", "ت", "ث", "ج", "ح", "ة", "ى", "٣", "\u{064E}"],  // Arabic, Arabic-Indic digit, fatha
        ["日", "本", "語", "東", "京", "の", "は", "カ", "タ", "ナ", "한", "국"],  // CJK, kana, Hangul
        ["ภ", "า", "ษ", "ไ", "ท", "ย", "ง", "่", "ี"],  // Thai
        ["👍", "👍🏽", "👨‍👩‍👧", "🇩🇪", "1️⃣", "❤️"],  // emoji sequences
        ["e\u{0301}", "a\u{0308}", "o\u{0303}\u{0323}", "\u{0301}"],  // combining marks
        ["0", "1", "7", "9", "3.14", "1,000", "½", "²"],  // digits
        [".", ",", "!", "?", "'", "\"", "-", "(", ")", "«", "»", "„", "“", "…", "@", "#", "%", "&", "_", "/"],
        ["￭", "％", "⇧", "⇪", "▁", "％41％", "@@", "<unk>", "</w>"],  // the marks themselves
    ]
    static let spaces = [" ", " ", " ", " ", "  ", "\t", "\u{00A0}", "\u{3000}", "\u{2009}", "\r"]

    static func line(_ generator: inout SplitMix64) -> String {
        var line = ""
        let words = generator.nextInt(below: 12)
        for index in 0..<words {
            if index > 0 || generator.nextInt(below: 8) == 0 {
                line += spaces[generator.nextInt(below: spaces.count)]
            }
            let alphabet = alphabets[generator.nextInt(below: alphabets.count)]
            for _ in 0..<(1 + generator.nextInt(below: 6)) {
                // Mostly one script per word, sometimes a switch inside it.
                let source = generator.nextInt(below: 6) == 0
                    ? alphabets[generator.nextInt(below: alphabets.count)] : alphabet
                line += source[generator.nextInt(below: source.count)]
            }
        }
        if generator.nextInt(below: 8) == 0 { line += spaces[generator.nextInt(below: spaces.count)] }
        return line
    }

    static func lines(count: Int, seed: UInt64) -> [String] {
        var generator = SplitMix64(seed: seed)
        return (0..<count).map { _ in line(&generator) }
    }
}
