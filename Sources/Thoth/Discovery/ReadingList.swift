import Discovery
import Foundation
import JSON

/// What to read next, from the articles discovery found (`generate_reading_list`): those a
/// research query judged relevant when the topic names one, else every found article ranked
/// by how close its title and abstract are to the topic (the embedding model's similarity).
extension DiscoveryRunner {
    public enum ReadingPriority: String, Sendable, CaseIterable {
        case relevance, recent
    }

    public nonisolated func readingList(topic: String, count: Int, priority: ReadingPriority) async throws
        -> [JSONObject]
    {
        let isQuery = (try? queries.query(topic)) != nil
        var candidates = try articles.articles(
            limit: isQuery ? 5_000 : 500, relevantOnly: false, query: isQuery ? topic : nil
        )
        .compactMap(\.objectValue)
        if !isQuery {
            guard let embed else {
                throw ThothError(.unavailable, "Ranking articles by a topic needs the embedding model")
            }
            let texts = candidates.map { "\($0["title"]?.stringValue ?? "")\n\($0["abstract"]?.stringValue ?? "")" }
            let vectors = try await embed([topic] + texts)
            for index in candidates.indices {
                candidates[index]["score"] = .double(OfflineRelevance.cosine(vectors[0], vectors[index + 1]))
            }
        }
        let score = { (article: JSONObject) in article["score"]?.doubleValue ?? 0 }
        let date = { (article: JSONObject) in article["published"]?.stringValue ?? "" }
        switch priority {
        case .relevance: candidates.sort { score($0) > score($1) }
        case .recent: candidates.sort { (date($0), score($0)) > (date($1), score($1)) }
        }
        return Array(candidates.prefix(max(1, count)))
    }

    /// The list as markdown: one numbered entry per article, with where to read it.
    public static func markdown(_ list: [JSONObject], topic: String) -> String {
        guard !list.isEmpty else { return "No discovered articles for '\(topic)' yet." }
        var lines = ["# Reading list: \(topic)", ""]
        for (index, article) in list.enumerated() {
            let authors = article["authors"]?.arrayValue?.compactMap(\.stringValue) ?? []
            let byline = authors.prefix(3).joined(separator: ", ") + (authors.count > 3 ? " et al." : "")
            let year = article["published"]?.stringValue.map { " (\($0.prefix(4)))" } ?? ""
            lines.append("\(index + 1). **\(article["title"]?.stringValue ?? "Untitled")**\(year) — \(byline)")
            if let venue = article["venue"]?.stringValue { lines.append("   \(venue)") }
            if let score = article["score"]?.doubleValue {
                lines.append("   relevance \((score * 100).rounded() / 100)")
            }
            if let path = article["pdf_path"]?.stringValue {
                lines.append("   PDF in the library: \((path as NSString).lastPathComponent)")
            } else if let link = (article["url"] ?? article["pdf_url"])?.stringValue {
                lines.append("   \(link)")
            }
        }
        return lines.joined(separator: "\n")
    }
}
