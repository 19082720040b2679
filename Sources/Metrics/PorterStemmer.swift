// The Porter stemmer as rouge-score 0.1.2 uses it: NLTK's `PorterStemmer` in its default
// NLTK_EXTENSIONS mode (`nltk/stem/porter.py`), which adds Martin Porter's later
// refinements and NLTK's own to the algorithm of Porter (1980), "An algorithm for suffix
// stripping", Program 14(3). Words are ASCII here: rouge-score stems only after reducing
// text to `[a-z0-9]` tokens.

/// NLTK's Porter stemmer (NLTK_EXTENSIONS mode) on lowercase ASCII words.
public struct PorterStemmer: Sendable {
    public init() {}

    /// Irregular forms NLTK maps directly (`PorterStemmer.__init__`, `pool`).
    private static let irregular: [String: String] = [
        "sky": "sky", "skies": "sky", "dying": "die", "lying": "lie", "tying": "tie",
        "news": "news", "innings": "inning", "inning": "inning", "outings": "outing",
        "outing": "outing", "cannings": "canning", "canning": "canning", "howe": "howe",
        "proceed": "proceed", "exceed": "exceed", "succeed": "succeed",
    ]

    /// The stem of `word` (`PorterStemmer.stem`, lowercasing first as NLTK does).
    public func stem(_ word: String) -> String {
        let lower = word.lowercased()
        if let s = Self.irregular[lower] { return s }
        if lower.utf8.count <= 2 { return lower }
        var w = Word(Array(lower.utf8))
        w.step1a(); w.step1b(); w.step1c(); w.step2(); w.step3(); w.step4()
        w.step5a(); w.step5b()
        return String(decoding: w.b, as: UTF8.self)
    }
}

/// A word being stemmed, with the paper's conditions on it.
private struct Word {
    var b: [UInt8]
    init(_ b: [UInt8]) { self.b = b }

    // MARK: Conditions

    private static func isVowelLetter(_ c: UInt8) -> Bool {
        c == 0x61 || c == 0x65 || c == 0x69 || c == 0x6F || c == 0x75  // a e i o u
    }

    /// `_is_consonant`: not a vowel, and `y` only after a vowel (a run of y's alternates).
    static func isConsonant(_ w: ArraySlice<UInt8>, _ i: Int) -> Bool {
        let c = w[w.startIndex + i]
        if isVowelLetter(c) { return false }
        if c == UInt8(ascii: "y") {
            var j = i
            var negate = false
            while j > 0 && w[w.startIndex + j] == UInt8(ascii: "y") {
                negate.toggle()
                j -= 1
            }
            return isVowelLetter(w[w.startIndex + j]) == negate ? true : false
        }
        return true
    }

    /// m in [C](VC){m}[V] (`_measure`).
    static func measure(_ w: ArraySlice<UInt8>) -> Int {
        var m = 0
        var previousVowel = false
        var previousConsonant = true
        for i in 0..<w.count {
            // `_consonant_flags`: y is a consonant at the start or after a vowel.
            let c = w[w.startIndex + i]
            let consonant: Bool
            if isVowelLetter(c) {
                consonant = false
            } else if c == UInt8(ascii: "y") {
                consonant = i == 0 ? true : !previousConsonant
            } else {
                consonant = true
            }
            if consonant && previousVowel { m += 1 }
            previousVowel = !consonant
            previousConsonant = consonant
        }
        return m
    }

    /// `*v*` (`_contains_vowel`).
    static func containsVowel(_ w: ArraySlice<UInt8>) -> Bool {
        for i in 0..<w.count where !isConsonant(w, i) { return true }
        return false
    }

    /// `*d` (`_ends_double_consonant`).
    static func endsDoubleConsonant(_ w: ArraySlice<UInt8>) -> Bool {
        w.count >= 2 && w[w.endIndex - 1] == w[w.endIndex - 2] && isConsonant(w, w.count - 1)
    }

    /// `*o` (`_ends_cvc`), with NLTK's extension that a two-letter vowel–consonant
    /// word also counts.
    static func endsCVC(_ w: ArraySlice<UInt8>) -> Bool {
        let n = w.count
        if n >= 3 && isConsonant(w, n - 3) && !isConsonant(w, n - 2) && isConsonant(w, n - 1) {
            let last = w[w.endIndex - 1]
            return last != UInt8(ascii: "w") && last != UInt8(ascii: "x") && last != UInt8(ascii: "y")
        }
        return n == 2 && !isConsonant(w, 0) && isConsonant(w, 1)
    }

    func endsWith(_ suffix: String) -> Bool {
        let s = Array(suffix.utf8)
        return b.count >= s.count && b[(b.count - s.count)...].elementsEqual(s)
    }

    func stem(removing suffix: String) -> ArraySlice<UInt8> {
        b[..<(b.count - suffix.utf8.count)]
    }

    mutating func set(_ stem: ArraySlice<UInt8>, _ replacement: String) {
        b = Array(stem) + Array(replacement.utf8)
    }

    /// `_apply_rule_list`: the first rule whose suffix matches decides, whether or not its
    /// condition holds.
    mutating func applyFirst(_ rules: [(String, String, (ArraySlice<UInt8>) -> Bool)]) {
        for (suffix, replacement, condition) in rules where endsWith(suffix) {
            let s = stem(removing: suffix)
            if condition(s) { set(s, replacement) }
            return
        }
    }

    // MARK: Steps

    mutating func step1a() {
        if endsWith("ies") && b.count == 4 { set(stem(removing: "ies"), "ie"); return }
        let always: (ArraySlice<UInt8>) -> Bool = { _ in true }
        applyFirst([("sses", "ss", always), ("ies", "i", always), ("ss", "ss", always), ("s", "", always)])
    }

    mutating func step1b() {
        if endsWith("ied") {
            set(stem(removing: "ied"), b.count == 4 ? "ie" : "i")
            return
        }
        if endsWith("eed") {
            let s = stem(removing: "eed")
            if Word.measure(s) > 0 { set(s, "ee") }
            return
        }
        var intermediate: ArraySlice<UInt8>? = nil
        for suffix in ["ed", "ing"] where endsWith(suffix) {
            let s = stem(removing: suffix)
            if Word.containsVowel(s) { intermediate = s; break }
        }
        guard let s = intermediate else { return }
        b = Array(s)
        if endsWith("at") { set(stem(removing: "at"), "ate"); return }
        if endsWith("bl") { set(stem(removing: "bl"), "ble"); return }
        if endsWith("iz") { set(stem(removing: "iz"), "ize"); return }
        if Word.endsDoubleConsonant(b[...]) {
            let last = b[b.count - 1]
            if last != UInt8(ascii: "l") && last != UInt8(ascii: "s") && last != UInt8(ascii: "z") {
                b.removeLast()
            }
            return
        }
        if Word.measure(b[...]) == 1 && Word.endsCVC(b[...]) { b.append(UInt8(ascii: "e")) }
    }

    /// NLTK's (*c and not c) Y → I: `happy` → `happi` but `enjoy` and `by` stay.
    mutating func step1c() {
        applyFirst([("y", "i", { s in s.count > 1 && Word.isConsonant(s, s.count - 1) })])
    }

    mutating func step2() {
        let m0: (ArraySlice<UInt8>) -> Bool = { Word.measure($0) > 0 }
        if endsWith("alli") && m0(stem(removing: "alli")) {
            set(stem(removing: "alli"), "al")
            step2()
            return
        }
        let word = b
        applyFirst([
            ("ational", "ate", m0), ("tional", "tion", m0), ("enci", "ence", m0),
            ("anci", "ance", m0), ("izer", "ize", m0), ("bli", "ble", m0), ("alli", "al", m0),
            ("entli", "ent", m0), ("eli", "e", m0), ("ousli", "ous", m0),
            ("ization", "ize", m0), ("ation", "ate", m0), ("ator", "ate", m0),
            ("alism", "al", m0), ("iveness", "ive", m0), ("fulness", "ful", m0),
            ("ousness", "ous", m0), ("aliti", "al", m0), ("iviti", "ive", m0),
            ("biliti", "ble", m0), ("fulli", "ful", m0),
            // NLTK tests the measure of the word minus "ogi", not minus "logi".
            ("logi", "log", { _ in Word.measure(word[..<(word.count - 3)]) > 0 }),
        ])
    }

    mutating func step3() {
        let m0: (ArraySlice<UInt8>) -> Bool = { Word.measure($0) > 0 }
        applyFirst([
            ("icate", "ic", m0), ("ative", "", m0), ("alize", "al", m0), ("iciti", "ic", m0),
            ("ical", "ic", m0), ("ful", "", m0), ("ness", "", m0),
        ])
    }

    mutating func step4() {
        let m1: (ArraySlice<UInt8>) -> Bool = { Word.measure($0) > 1 }
        let ion: (ArraySlice<UInt8>) -> Bool = { s in
            guard Word.measure(s) > 1, let last = s.last else { return false }
            return last == UInt8(ascii: "s") || last == UInt8(ascii: "t")
        }
        applyFirst([
            ("al", "", m1), ("ance", "", m1), ("ence", "", m1), ("er", "", m1), ("ic", "", m1),
            ("able", "", m1), ("ible", "", m1), ("ant", "", m1), ("ement", "", m1),
            ("ment", "", m1), ("ent", "", m1), ("ion", "", ion), ("ou", "", m1),
            ("ism", "", m1), ("ate", "", m1), ("iti", "", m1), ("ous", "", m1),
            ("ive", "", m1), ("ize", "", m1),
        ])
    }

    mutating func step5a() {
        guard endsWith("e") else { return }
        let s = stem(removing: "e")
        let m = Word.measure(s)
        if m > 1 || (m == 1 && !Word.endsCVC(s)) { b = Array(s) }
    }

    mutating func step5b() {
        let word = b
        applyFirst([("ll", "l", { _ in Word.measure(word[..<(word.count - 1)]) > 1 })])
    }
}
