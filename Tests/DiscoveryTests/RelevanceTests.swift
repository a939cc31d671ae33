import Discovery
import Embeddings
import Foundation
import Testing

/// Offline relevance with the built-in MiniLM, on papers arXiv returned for "testing".
@Suite struct RelevanceTests {
    static let embedder: Result<MiniLMEmbedder, any Error> = Result {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let models =
            ProcessInfo.processInfo.environment["THOTH_MODELS_DIR"] ?? root.appendingPathComponent("models").path
        return try MiniLMEmbedder(directory: (models as NSString).appendingPathComponent("all-MiniLM-L6-v2"))
    }

    static func papers() throws -> [DiscoveredArticle] {
        try ArxivFeed.parse(Data(ReplayServer.recorded("arxiv/q_testing_s0_m10_bc5a6c384fe9.json").utf8)).articles
    }

    @Test func scoresPapersAgainstWhatAQueryIsAbout() async throws {
        let embedder = try Self.embedder.get()
        let relevance = OfflineRelevance { try await embedder.embed($0) }
        let papers = try Self.papers()
        let onTopic = try await relevance.judge(
            papers,
            against: RelevanceCriteria(
                description: "Software testing: test generation, test automation and testing tools",
                keywords: ["software testing", "test cases"], threshold: 0.3))
        let offTopic = try await relevance.judge(
            papers,
            against: RelevanceCriteria(description: "Coral reef ecology and marine biodiversity", threshold: 0.3))
        #expect(onTopic.filter(\.relevant).count >= 5)
        #expect(offTopic.filter(\.relevant).isEmpty)
        let mean = { (judgements: [RelevanceJudgement]) in
            judgements.map(\.score).reduce(0, +) / Double(judgements.count)
        }
        #expect(mean(onTopic) > mean(offTopic) + 0.2)
        #expect(onTopic.first { $0.relevant }?.reason.hasPrefix("similarity") == true)
    }

    @Test func requiredAndExcludedTopicsDecideFirst() async throws {
        let embedder = try Self.embedder.get()
        let relevance = OfflineRelevance { try await embedder.embed($0) }
        let papers = try Self.papers()
        let judgements = try await relevance.judge(
            papers,
            against: RelevanceCriteria(
                description: "Software testing", required: ["test"], excluded: ["machine learning"], threshold: -1))
        for (paper, judgement) in zip(papers, judgements) {
            let text = "\(paper.title) \(paper.abstract ?? "")".lowercased()
            if text.contains("machine learning") {
                #expect(!judgement.relevant && judgement.reason.contains("excluded topic 'machine learning'"))
            } else if !text.contains("test") {
                #expect(!judgement.relevant && judgement.reason.contains("required topic 'test'"))
            } else {
                #expect(judgement.relevant)
            }
        }
    }
}
