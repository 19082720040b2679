/// A String compared and hashed by its UTF-8 bytes, for dictionary keys.
///
/// Swift's `==` on strings is canonical equivalence: "e\u{301}" == "\u{E9}", so a
/// `[String: Int]` would count the two as one token. They are different tokens: subword-nmt
/// (Python compares code points) segments them differently, and a vocabulary must give them
/// different ids. Every token-keyed dictionary in Text uses this key.
struct ExactString: Hashable, Sendable {
    let value: String

    init(_ value: String) { self.value = value }

    static func == (a: ExactString, b: ExactString) -> Bool {
        a.value.utf8.elementsEqual(b.value.utf8)
    }

    func hash(into hasher: inout Hasher) {
        var value = value
        value.withUTF8 { hasher.combine(bytes: UnsafeRawBufferPointer($0)) }
    }
}
