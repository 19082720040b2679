extension StringProtocol {
    /// The pieces between U+0020 spaces. Splits by code unit, not by `Character`: a space
    /// followed by a combining mark is one `Character` but still separates two tokens (as
    /// Python's `str.split(' ')` in subword-nmt sees it).
    func splitOnSpaces(omittingEmpty: Bool = true) -> [Substring] {
        splitOnByte(0x20, omittingEmpty: omittingEmpty)
    }

    /// The lines of a text, split at "\n" by code unit ("\r\n" is one `Character`).
    func splitLines() -> [Substring] {
        splitOnByte(0x0A, omittingEmpty: false)
    }

    /// Without leading and trailing spaces, CRs and LFs: Python's `strip('\r\n ')`, which
    /// subword-nmt applies to every line it reads.
    func strippingLineSpace() -> Substring {
        let isSpace: (UInt8) -> Bool = { $0 == 0x20 || $0 == 0x0D || $0 == 0x0A }
        let whole = Substring(self)
        let start = whole.utf8.firstIndex { !isSpace($0) } ?? whole.utf8.endIndex
        let end = whole.utf8.lastIndex { !isSpace($0) }.map { whole.utf8.index(after: $0) } ?? start
        return Substring(whole.utf8[start..<Swift.max(start, end)])
    }

    private func splitOnByte(_ byte: UInt8, omittingEmpty: Bool) -> [Substring] {
        let whole = Substring(self)
        return whole.utf8.split(separator: byte, omittingEmptySubsequences: omittingEmpty).map { Substring($0) }
    }
}
