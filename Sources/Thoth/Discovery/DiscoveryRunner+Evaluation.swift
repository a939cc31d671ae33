import Discovery
import Foundation

extension DiscoveryRunner {
    /// One article judged against one research query, as discovery judges what it finds: by the
    /// chat model when one is set (offline when it fails, and said so), else by the embedding model.
    public struct Evaluation: Sendable {
        public let judgement: RelevanceJudgement
        /// `llm` or `offline`.
        public let judge: String
        public let criteria: RelevanceCriteria
        /// Why the chat model's judgement was not used, when it failed.
        public let problem: String?
    }

    public func evaluate(_ article: DiscoveredArticle, againstQuery name: String) async throws -> Evaluation {
        guard let (_, criteria) = try researchCriteria(["queries": [.string(name)]]).first else {
            throw ThothError(.notFound, "No research query named '\(name)'")
        }
        var problem: String?
        if let model = chatModel() {
            do {
                let judgement = try await LLMRelevance(model: model).judge(article, against: criteria)
                return Evaluation(judgement: judgement, judge: "llm", criteria: criteria, problem: nil)
            } catch {
                problem = "the chat model failed (\(error)); judged offline instead"
            }
        }
        guard let embed else {
            throw ThothError(.unavailable, "Judging relevance needs the embedding model, which is not available")
        }
        let judgement = try await OfflineRelevance(embed: embed).judge([article], against: criteria)[0]
        return Evaluation(judgement: judgement, judge: "offline", criteria: criteria, problem: problem)
    }
}
