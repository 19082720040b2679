import _ICUShim

extension Tokenizer {
    /// The pieces of one ICU word segment: the segment itself, or smaller pieces where the
    /// options ask for splits (digits, script changes, word-internal punctuation). The caller
    /// glues all pieces after the first to their predecessor.
    func pieces(of segment: UnsafeBufferPointer<UInt8>, kind: WordKind) -> [String] {
        let text = String(decoding: segment, as: UTF8.self)
        let wantsSplits =
            options.splitDigits || options.splitOnScriptChange
            || (options.splitWordInternalPunctuation && kind != .other)
        guard wantsSplits, segment.count > 1 else { return [text] }

        var pieces: [String] = []
        var current = ""
        var previous: Unicode.Scalar?
        var currentScript: Int32?
        for scalar in text.unicodeScalars {
            if let previous, !current.isEmpty, isSplit(between: previous, and: scalar, script: currentScript) {
                pieces.append(current)
                current = ""
                currentScript = nil
            }
            current.unicodeScalars.append(scalar)
            if options.splitOnScriptChange, let script = Self.specificScript(scalar) {
                currentScript = script
            }
            previous = scalar
        }
        if !current.isEmpty { pieces.append(current) }
        return pieces
    }

    private func isSplit(between left: Unicode.Scalar, and right: Unicode.Scalar, script: Int32?) -> Bool {
        // Never separate a base from its combining marks, nor the parts of an emoji sequence.
        if Self.isAttaching(right) || left == "\u{200D}" { return false }
        if options.splitDigits && (Self.isDigit(left) || Self.isDigit(right)) { return true }
        if options.splitWordInternalPunctuation && (Self.isPunctuation(left) || Self.isPunctuation(right)) {
            return true
        }
        if options.splitOnScriptChange, let script, let next = Self.specificScript(right), next != script {
            return true
        }
        return false
    }

    private static func isAttaching(_ scalar: Unicode.Scalar) -> Bool {
        if scalar.value < 0x300 { return false }
        switch scalar.properties.generalCategory {
        case .nonspacingMark, .spacingMark, .enclosingMark: return true
        default: return scalar == "\u{200D}" || scalar.properties.isVariationSelector
            || scalar.properties.isEmojiModifier
        }
    }

    private static func isDigit(_ scalar: Unicode.Scalar) -> Bool {
        if scalar.value < 0x80 { return scalar.value >= 0x30 && scalar.value <= 0x39 }
        return scalar.properties.numericType == .decimal
    }

    private static func isPunctuation(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.properties.generalCategory {
        case .connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation,
            .initialPunctuation, .finalPunctuation, .otherPunctuation:
            return true
        default:
            return false
        }
    }

    /// The script of a scalar, or nil for Common and Inherited (digits, punctuation, marks),
    /// which belong to whatever script surrounds them.
    private static func specificScript(_ scalar: Unicode.Scalar) -> Int32? {
        let script = recur_icu_script(scalar.value)
        return script <= 1 ? nil : script
    }
}
