/// Cuts a line into tokens and puts tokens back into the line, losslessly:
/// `detokenize(tokenize(x)) == options.normalization.apply(x)`, byte for byte, for every line
/// (unless `caseHandling` is `.lowercase`, which is lossy by design).
///
/// Word mode: ICU's word break iterator (UAX #29, with dictionaries for Thai, Chinese,
/// Japanese) finds words, numbers and punctuation. A token that followed the previous one
/// without a space starts with the joiner `￭` (OpenNMT Tokenizer's convention); one space
/// between tokens is implied; other whitespace (tabs, runs of spaces, no-break spaces) becomes
/// a token of escaped whitespace joined on both sides:
///
///     "Hello, world!"  →  Hello ￭, world ￭!
///     "a\tb"           →  a ￭％9％ ￭b
///
/// Character mode: every grapheme cluster is a token and a space is `▁`.
///
/// Holds an ICU break iterator, so it is a class and not `Sendable`: one per thread.
public final class Tokenizer {
    /// The options this tokenizer was built with.
    public let options: TokenizerOptions
    private let breaker: WordBreaker

    /// Opens the ICU word break iterator for `options.locale`.
    public init(_ options: TokenizerOptions = TokenizerOptions()) throws {
        self.options = options
        self.breaker = try WordBreaker(locale: options.locale)
    }

    /// The tokens of one line (without its line terminator).
    public func tokenize(_ line: String) throws -> [String] {
        var text = try options.normalization.apply(line)
        if options.caseHandling == .lowercase { text = text.lowercased() }
        var tokens: [String] = []
        switch options.mode {
        case .characters: characterTokens(text, into: &tokens)
        case .words: try wordTokens(&text, into: &tokens)
        }
        return tokens
    }

    /// The tokens of one line, joined by spaces: the form BPE and the files use.
    public func tokenizeLine(_ line: String) throws -> String {
        try tokenize(line).joined(separator: " ")
    }

    /// The line that `tokens` came from.
    public func detokenize<S: Sequence>(_ tokens: S) -> String where S.Element: StringProtocol {
        var line = ""
        var pending: CaseMarkup.Marker?
        var first = true
        for token in tokens {
            let token = Substring(token)
            if let marker = CaseMarkup.marker(forToken: String(token)) {
                pending = marker
                continue
            }
            var text = token
            switch options.mode {
            case .characters:
                if token == TokenMarks.spaceToken[...] { text = " " }
            case .words:
                if text.unicodeScalars.first == TokenMarks.joiner {
                    text = Substring(text.unicodeScalars.dropFirst())
                } else if !first {
                    line += " "
                }
            }
            var piece = TokenMarks.unescape(text)
            if let marker = pending { piece = CaseMarkup.restore(piece, marker) }
            pending = nil
            line += piece
            first = false
        }
        return line
    }

    /// The line that a space-separated token line came from.
    public func detokenizeLine(_ line: String) -> String {
        detokenize(line.splitOnSpaces())
    }

    // MARK: - Characters

    private func characterTokens(_ text: String, into tokens: inout [String]) {
        for character in text {
            if character == " " {
                tokens.append(TokenMarks.spaceToken)
            } else {
                append(String(character), glued: false, to: &tokens)
            }
        }
    }

    // MARK: - Words

    /// What lay between the previous token and the next one.
    private enum Gap {
        case lineStart
        case none
        case space
        case whitespace(String)
    }

    private func wordTokens(_ text: inout String, into tokens: inout [String]) throws {
        try text.withUTF8 { bytes in
            var gap = Gap.lineStart
            for (range, kind) in try breaker.segments(bytes) {
                let segment = UnsafeBufferPointer(rebasing: bytes[range])
                if isWhitespace(segment) {
                    let run = String(decoding: segment, as: UTF8.self)
                    switch gap {
                    case .whitespace(let before): gap = .whitespace(before + run)
                    case .lineStart: gap = .whitespace(run)
                    case .none: gap = run == " " ? .space : .whitespace(run)
                    case .space: gap = .whitespace(" " + run)
                    }
                    continue
                }
                var firstPiece = true
                for piece in pieces(of: segment, kind: kind) {
                    if firstPiece {
                        emitGap(gap, into: &tokens)
                        let glued: Bool
                        switch gap {
                        case .lineStart, .space: glued = false
                        case .none, .whitespace: glued = true
                        }
                        append(piece, glued: glued, to: &tokens)
                        firstPiece = false
                    } else {
                        append(piece, glued: true, to: &tokens)
                    }
                }
                gap = .none
            }
            if case .space = gap { gap = .whitespace(" ") }  // a trailing space is not implied
            emitGap(gap, into: &tokens)
        }
    }

    /// Writes a whitespace gap other than one space as a token: joined to the previous token
    /// (if any) and, through the next token's joiner, to the next.
    private func emitGap(_ gap: Gap, into tokens: inout [String]) {
        guard case .whitespace(let run) = gap else { return }
        var token = tokens.isEmpty ? "" : String(TokenMarks.joiner)
        TokenMarks.appendEscaped(run.unicodeScalars, to: &token)
        tokens.append(token)
    }

    /// Appends one token, with case markup, joiner and escapes as the options ask.
    private func append(_ piece: String, glued: Bool, to tokens: inout [String]) {
        var text = piece
        if options.caseHandling == .markup {
            let (marker, lower) = CaseMarkup.split(piece)
            if let marker { tokens.append(CaseMarkup.token(for: marker)) }
            text = lower
        }
        var token = glued ? String(TokenMarks.joiner) : ""
        if text.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) {
            token += text
        } else {
            TokenMarks.appendEscaped(text.unicodeScalars, to: &token)
        }
        tokens.append(token)
    }

    private func isWhitespace(_ segment: UnsafeBufferPointer<UInt8>) -> Bool {
        if segment.count == 1 { return segment[0] <= 0x20 }
        return String(decoding: segment, as: UTF8.self).unicodeScalars.allSatisfy {
            $0.properties.isWhitespace || $0.properties.generalCategory == .control
        }
    }
}
