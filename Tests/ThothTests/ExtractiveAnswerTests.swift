import JSON
import Testing

@testable import Thoth

@Suite struct ExtractiveAnswerTests {
    func passage(_ text: String, title: String, score: Double) -> Passage {
        Passage(id: title, content: text, score: score, metadata: ["title": .string(title)])
    }

    @Test func quotesTheSentencesSharingTheQuestionsWords() {
        let answer = ExtractiveAnswer.compose(
            question: "What recall does exact search reach?",
            passages: [
                passage(
                    "# Exact\n\nExact search scores every vector in the collection. Its recall is one by construction.",
                    title: "exact", score: 0.8),
                passage("Graphs are built from layered small worlds in memory.", title: "hnsw", score: 0.3),
            ], reason: "Offline.")
        #expect(answer.hasPrefix("Offline."))
        #expect(answer.contains("\"Its recall is one by construction.\" (exact)"))
        #expect(answer.contains("\"Exact search scores every vector in the collection.\" (exact)"))
        #expect(!answer.contains("# Exact"))
    }

    @Test func saysSoWhenNothingMatches() {
        let answer = ExtractiveAnswer.compose(question: "anything?", passages: [], reason: "Offline.")
        #expect(answer.contains("Nothing in the knowledge base matches"))
    }
}
