import Foundation
import NN
import Testing

@testable import Seq2Seq
@testable import Tensor

/// Lexical shortlists: what they hold, and that search over a shortlist is search over those
/// words and no others.
@Suite struct ShortlistTests {
    @Test func buildsFromCoOccurrence() {
        // Source 10 always comes with target 20, source 11 with 21; 22 is the most frequent target.
        let sources: [[Int32]] = [[10, 12], [10, 13], [11, 12], [11, 13]]
        let targets: [[Int32]] = [[20, 22, 22], [20, 22], [21, 22], [21, 22, 23]]
        let list = LexicalShortlist.build(sources: sources, targets: targets, frequentWords: 1, perWord: 1)
        #expect(list.frequent == [22])
        #expect(list.associated[10] == [20] && list.associated[11] == [21])
        #expect(list.candidates(for: [[10], [13]]) == [0, 1, 2, 3, 20, 22] + (list.associated[13] ?? []).filter { $0 != 20 && $0 != 22 })
        #expect(list.candidates(for: [[10, 11]]) == [0, 1, 2, 3, 20, 21, 22])
    }

    @Test func fileRoundTripsAndErrorsNameTheLine() throws {
        let list = LexicalShortlist(frequent: [4, 5], associated: [7: [6, 9], 8: [4]])
        #expect(try LexicalShortlist(parsing: list.serialized(), name: "s.txt", targetVocabularySize: 10) == list)
        #expect(throws: WeightsError.self) { try LexicalShortlist(parsing: "frequent 4\n7: 6 12\n", name: "s.txt", targetVocabularySize: 10) }
        do {
            _ = try LexicalShortlist(parsing: "frequent 4\n7: 6 12\n", name: "s.txt", targetVocabularySize: 10)
        } catch let error as WeightsError {
            #expect(error.description == "s.txt:2: '12' is not a target id below 10; build it again with `recur shortlist`")
        }
    }

    @Test func searchOverEveryWordIsTheFullSearchAndOverFewerUsesOnlyThem() {
        let sources = testSources(24, seed: 30)
        let everything = LexicalShortlist(frequent: Array(4..<20), associated: [:])
        let search = BeamSearch(models: [partlyTrained], options: SearchOptions())
        let full = search.search(sources)
        search.shortlist = everything
        let listed = search.search(sources)
        #expect(listed.map { $0.map(\.tokens) } == full.map { $0.map(\.tokens) })
        #expect(zip(listed, full).allSatisfy { abs($0[0].score - $1[0].score) < 1e-4 })
        #expect(partlyTrained.greedy(sources, shortlist: everything) == partlyTrained.greedy(sources))

        // Only 4…9 and what source word 12 brings: outputs use nothing else.
        let few = LexicalShortlist(frequent: Array(4..<10), associated: [12: [15]])
        search.shortlist = few
        let allowed = Set(few.candidates(for: sources))
        #expect(search.search(sources).allSatisfy { $0.allSatisfy { Set($0.tokens).isSubset(of: allowed) } })
        #expect(partlyTrained.greedy(sources, shortlist: few).allSatisfy { Set($0).isSubset(of: allowed) })
    }
}
