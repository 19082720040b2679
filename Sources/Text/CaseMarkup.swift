/// Reversible case markup: a token is lower-cased and preceded by a marker when that loses
/// nothing, i.e. when putting the case back gives exactly the original bytes.
enum CaseMarkup {
    enum Marker { case capitalized, uppercased }

    /// `text` lower-cased with the marker that restores it, or unchanged with no marker
    /// when it has no case or a mixed case that no marker describes.
    static func split(_ text: String) -> (marker: Marker?, text: String) {
        let lower = text.lowercased()
        if lower.utf8.elementsEqual(text.utf8) { return (nil, text) }
        if restore(lower, .capitalized).utf8.elementsEqual(text.utf8) { return (.capitalized, lower) }
        if restore(lower, .uppercased).utf8.elementsEqual(text.utf8) { return (.uppercased, lower) }
        return (nil, text)
    }

    /// `text` with the case that `marker` describes.
    static func restore(_ text: String, _ marker: Marker) -> String {
        switch marker {
        case .uppercased:
            return text.uppercased()
        case .capitalized:
            guard let first = text.first else { return text }
            return first.uppercased() + text.dropFirst()
        }
    }

    static func marker(forToken token: String) -> Marker? {
        if token == TokenMarks.capitalizedToken { return .capitalized }
        if token == TokenMarks.uppercasedToken { return .uppercased }
        return nil
    }

    static func token(for marker: Marker) -> String {
        marker == .capitalized ? TokenMarks.capitalizedToken : TokenMarks.uppercasedToken
    }
}
