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
    // Read once per token: copies of option values, so the hot loop does not copy (and
    // retain) the options struct.
    private let marksCase: Bool
    private let wantsSplits: Bool
    private let asciiFastPath: Bool

    /// Opens the ICU word break iterator for `options.locale`.
    public init(_ options: TokenizerOptions = TokenizerOptions()) throws {
        self.options = options
        self.breaker = try WordBreaker(locale: options.locale)
        marksCase = options.caseHandling == .markup
        wantsSplits = options.splitDigits || options.splitOnScriptChange || options.splitWordInternalPunctuation
        // The ASCII segmenter reproduces ICU's boundaries but not its word kinds, which the
        // word-internal punctuation split needs.
        asciiFastPath = !options.splitWordInternalPunctuation
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

    /// A token as `cutWords` hands it over. Most tokens are a slice of the line, used as it is
    /// (after a joiner when glued), which lets the BPE fast path look them up without
    /// building a String; tokens that needed escapes or case markup are built.
    enum CutToken {
        case slice(UnsafeBufferPointer<UInt8>, glued: Bool)
        case built(String)
    }

    /// What lay between the previous token and the next one.
    private enum Gap {
        case lineStart
        case none
        case space
        case whitespace(String)
    }

    private func wordTokens(_ text: inout String, into tokens: inout [String]) throws {
        try text.withUTF8 { bytes in
            try cutWords(bytes) { token in
                switch token {
                case .slice(let slice, let glued):
                    let body = String(decoding: slice, as: UTF8.self)
                    tokens.append(glued ? String(TokenMarks.joiner) + body : body)
                case .built(let token):
                    tokens.append(token)
                }
            }
        }
    }

    /// Cuts a normalised line (UTF-8) into word-mode tokens, in order.
    func cutWords(_ bytes: UnsafeBufferPointer<UInt8>, emit: (CutToken) -> Void) throws {
        let isASCII = Text.isASCII(bytes)
        let segments = isASCII && asciiFastPath ? ASCIIWordSegmenter.segments(bytes) : try breaker.segments(bytes)
        var gap = Gap.lineStart
        var emitted = false
        for (range, kind) in segments {
            let segment = UnsafeBufferPointer(rebasing: bytes[range])
            if segment.count == 1 && segment[0] == 0x20, case .none = gap {
                gap = .space
                continue
            }
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
            // One space between tokens is implied; any other gap becomes a token, glued to
            // the previous token and, through the next token's joiner, to the next.
            var glued = true
            switch gap {
            case .lineStart, .space: glued = false
            case .none: break
            case .whitespace(let run): emit(.built(gapToken(run, glued: emitted)))
            }
            if wantsSplits && segment.count > 1 {
                for piece in pieces(of: segment, kind: kind) {
                    emitPiece(piece, glued: glued, emit: emit)
                    glued = true
                }
            } else if !marksCase && isPlain(segment, isASCII: isASCII) {
                emit(.slice(segment, glued: glued))
            } else {
                emitPiece(String(decoding: segment, as: UTF8.self), glued: glued, emit: emit)
            }
            emitted = true
            gap = .none
        }
        switch gap {
        case .space: emit(.built(gapToken(" ", glued: emitted)))  // a trailing space is not implied
        case .whitespace(let run): emit(.built(gapToken(run, glued: emitted)))
        case .lineStart, .none: break
        }
    }

    private func gapToken(_ run: String, glued: Bool) -> String {
        var token = glued ? String(TokenMarks.joiner) : ""
        TokenMarks.appendEscaped(run.unicodeScalars, to: &token)
        return token
    }

    /// Whether a segment can be a token as it is: nothing in it needs an escape.
    private func isPlain(_ segment: UnsafeBufferPointer<UInt8>, isASCII: Bool) -> Bool {
        // On an ASCII line, spaces and controls only occur in whitespace segments (handled
        // before): every other segment is plain.
        if isASCII { return true }
        if segment.allSatisfy({ $0 < 0x80 }) {
            return segment.allSatisfy { $0 > 0x20 && $0 != 0x7F }
        }
        return !String(decoding: segment, as: UTF8.self).unicodeScalars.contains(where: TokenMarks.needsEscape)
    }

    /// Emits one piece with case markup, joiner and escapes as the options ask.
    private func emitPiece(_ piece: String, glued: Bool, emit: (CutToken) -> Void) {
        var tokens: [String] = []
        append(piece, glued: glued, to: &tokens)
        for token in tokens { emit(.built(token)) }
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
        let first = segment[0]
        if first < 0x80 && segment.count == 1 { return first <= 0x20 || first == 0x7F }
        // ICU's whitespace segments are runs of one kind of space, or a single control.
        if first < 0x80 && first > 0x20 && first != 0x7F { return false }
        return String(decoding: segment, as: UTF8.self).unicodeScalars.allSatisfy {
            $0.properties.isWhitespace || $0.properties.generalCategory == .control
        }
    }
}
