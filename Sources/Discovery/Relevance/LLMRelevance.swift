import JSON
import LLM

/// Judges articles against a research query with a chat model, one article per request, as
/// the original's filter did: the model answers `{relevant, score, reason}`. Excluded and
/// required topics are settled first, without the model. An answer that is not that JSON is
/// an error for the caller to handle (discovery falls back to the offline judge).
public struct LLMRelevance: Sendable {
    let model: any ChatModel

    public init(model: any ChatModel) { self.model = model }

    static let system = """
        You screen research articles for a researcher. Judge whether the article is relevant to \
        the research query. Answer with only a JSON object: {"relevant": true or false, "score": \
        a number from 0 to 1, "reason": "one sentence"}.
        """

    public func judge(_ article: DiscoveredArticle, against criteria: RelevanceCriteria) async throws
        -> RelevanceJudgement
    {
        if let ruled = criteria.topicRule(article) { return ruled }
        var query = "Research query: \(criteria.description)"
        if !criteria.researchQuestion.isEmpty { query += "\nResearch question: \(criteria.researchQuestion)" }
        if !criteria.keywords.isEmpty { query += "\nKeywords: \(criteria.keywords.joined(separator: ", "))" }
        let paper = """
            Title: \(article.title)
            Authors: \(article.authors.prefix(10).joined(separator: ", "))
            Venue: \(article.venue ?? "unknown"), \(article.published ?? "undated")
            Abstract: \(article.abstract?.prefix(4000) ?? "none")
            """
        let answer = try await model.complete(
            [ChatMessage(.system, Self.system), ChatMessage(.user, query + "\n\nArticle:\n" + paper)], tools: [])
        guard let object = answer.jsonObject, case .bool(let relevant)? = object["relevant"] else {
            throw LLMError("The model's relevance answer was not the JSON asked for: \(answer.content.prefix(200))")
        }
        let score = min(1, max(0, object["score"]?.doubleValue ?? (relevant ? 1 : 0)))
        return RelevanceJudgement(
            relevant: relevant, score: score, reason: "model: " + (object["reason"]?.stringValue ?? "no reason given"))
    }
}
