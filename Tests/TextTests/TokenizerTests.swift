import Testing
@testable import Text

@Test func quick() throws {
    let t = try Tokenizer()
    for line in ["Hello, world!", "a\tb  c ", "Zwei junge weiße Männer sind im Freien.", "ภาษาไทยง่ายนิดเดียว", "東京は日本の首都です。", "👨‍👩‍👧 ok"] {
        let tokens = try t.tokenize(line)
        print(tokens.joined(separator: " "), "=>", t.detokenize(tokens))
    }
}
