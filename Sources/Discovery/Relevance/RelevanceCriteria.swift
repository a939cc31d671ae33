/// What a research query asks of an article (the original's query fields).
public struct RelevanceCriteria: Sendable, Equatable {
    public var description: String
    public var researchQuestion: String
    public var keywords: [String]
    /// Topics an article must mention, every one of them.
    public var required: [String]
    /// Topics that rule an article out.
    public var excluded: [String]
    /// Lowest similarity (cosine, −1…1) an article needs offline.
    public var threshold: Double

    public init(
        description: String, researchQuestion: String = "", keywords: [String] = [], required: [String] = [],
        excluded: [String] = [], threshold: Double = 0.3
    ) {
        self.description = description
        self.researchQuestion = researchQuestion
        self.keywords = keywords
        self.required = required
        self.excluded = excluded
        self.threshold = threshold
    }
}

extension RelevanceCriteria {
    /// The verdict excluded and required topics give on their own (nil when they leave the
    /// article to be scored): an excluded topic in the title or abstract rules it out, and so
    /// does a required topic missing from them.
    func topicRule(_ article: DiscoveredArticle) -> RelevanceJudgement? {
        let text = (article.title + "\n" + (article.abstract ?? "")).lowercased()
        if let excluded = excluded.first(where: { text.contains($0.lowercased()) }) {
            return RelevanceJudgement(relevant: false, score: 0, reason: "mentions excluded topic '\(excluded)'")
        }
        if let missing = required.first(where: { !text.contains($0.lowercased()) }) {
            return RelevanceJudgement(relevant: false, score: 0, reason: "does not mention required topic '\(missing)'")
        }
        return nil
    }
}

/// A judgement of one article against one query.
public struct RelevanceJudgement: Sendable, Equatable {
    public var relevant: Bool
    /// Cosine similarity offline; the model's 0–1 score with a chat model.
    public var score: Double
    public var reason: String
}
