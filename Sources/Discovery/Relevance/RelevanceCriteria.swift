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

/// A judgement of one article against one query.
public struct RelevanceJudgement: Sendable, Equatable {
    public var relevant: Bool
    /// Cosine similarity offline; the model's 0–1 score with a chat model.
    public var score: Double
    public var reason: String
}
