/// Judges articles against a research query without a language model: excluded topics rule an
/// article out, required topics must all appear in its title or abstract, and what is left is
/// scored by the embedding model as the similarity of its title and abstract to the query's
/// description, question and keywords, against the query's threshold.
public struct OfflineRelevance: Sendable {
    public typealias Embed = @Sendable ([String]) async throws -> [[Float]]
    let embed: Embed

    public init(embed: @escaping Embed) { self.embed = embed }

    public func judge(_ articles: [DiscoveredArticle], against criteria: RelevanceCriteria) async throws
        -> [RelevanceJudgement]
    {
        let texts = articles.map { "\($0.title)\n\($0.abstract ?? "")" }
        var judgements = [RelevanceJudgement?](repeating: nil, count: articles.count)
        var toScore: [Int] = []
        for (index, article) in articles.enumerated() {
            if let ruled = criteria.topicRule(article) {
                judgements[index] = ruled
            } else {
                toScore.append(index)
            }
        }
        guard !toScore.isEmpty else { return judgements.map { $0! } }
        let query = ([criteria.description, criteria.researchQuestion] + [criteria.keywords.joined(separator: ", ")])
            .filter { !$0.isEmpty }.joined(separator: "\n")
        let vectors = try await embed([query] + toScore.map { texts[$0] })
        let queryVector = vectors[0]
        for (offset, index) in toScore.enumerated() {
            let score = Self.cosine(queryVector, vectors[offset + 1])
            let lower = texts[index].lowercased()
            let matched = criteria.keywords.filter { lower.contains($0.lowercased()) }
            let relevant = score >= criteria.threshold
            judgements[index] = RelevanceJudgement(
                relevant: relevant, score: score,
                reason:
                    "similarity \((score * 1000).rounded() / 1000) \(relevant ? "≥" : "<") threshold \(criteria.threshold)"
                    + (matched.isEmpty ? "" : "; keywords: " + matched.joined(separator: ", ")))
        }
        return judgements.map { $0! }
    }

    public static func cosine(_ a: [Float], _ b: [Float]) -> Double {
        var dot: Float = 0
        var na: Float = 0
        var nb: Float = 0
        for i in 0..<min(a.count, b.count) {
            dot += a[i] * b[i]
            na += a[i] * a[i]
            nb += b[i] * b[i]
        }
        return na > 0 && nb > 0 ? Double(dot / (na.squareRoot() * nb.squareRoot())) : 0
    }
}
