import Testing

@testable import Metrics

struct StemFile: Decodable {
    let generated_by: String
    let stems: [[String]]
}

@Suite struct PorterStemmerTests {
    @Test func equalsNLTKOnCorpusWords() throws {
        let file = try Fixtures.load("porter_stems.json", as: StemFile.self)
        #expect(file.generated_by.contains("nltk"))
        let stemmer = PorterStemmer()
        #expect(file.stems.count > 400)
        for pair in file.stems {
            #expect(stemmer.stem(pair[0]) == pair[1], "\(pair[0])")
        }
    }

    @Test func paperExamples() {
        let s = PorterStemmer()
        #expect(s.stem("caresses") == "caress")
        #expect(s.stem("ponies") == "poni")
        #expect(s.stem("motoring") == "motor")
        #expect(s.stem("hopping") == "hop")
        #expect(s.stem("relational") == "relat")
        #expect(s.stem("skies") == "sky")
    }
}
