import Foundation
import JSONHTTP

/// The bioRxiv/medRxiv API's `/details/{server}/{from}/{to}/{cursor}`: every post of a date
/// interval, 100 per page. The API has no text search, so the query's terms are matched here
/// (any term in the title or abstract); a category narrows the listing at the service.
public struct BiorxivSource: Sendable {
    public struct Query: Sendable, Equatable {
        public var server: String
        public var from: String
        public var to: String
        public var category: String?
        public var terms: [String]
        public init(server: String = "biorxiv", from: String, to: String, category: String? = nil, terms: [String] = [])
        {
            self.server = server
            self.from = from
            self.to = to
            self.category = category
            self.terms = terms
        }

        func matches(_ article: DiscoveredArticle) -> Bool {
            guard !terms.isEmpty else { return true }
            let text = (article.title + " " + (article.abstract ?? "")).lowercased()
            return terms.contains { text.contains($0.lowercased()) }
        }
    }

    public let baseURL: URL
    let fetch: PagedFetch

    public init(
        baseURL: URL, contact: String?, spacing: RequestSpacing = RequestSpacing(interval: .milliseconds(500)),
        timeout: TimeInterval = 30
    ) {
        self.baseURL = baseURL
        fetch = PagedFetch(
            service: "bioRxiv", client: PoliteClient.make(contact: contact, timeout: timeout), spacing: spacing)
    }

    public func url(for query: Query, cursor: Int) -> URL {
        let path = baseURL.appendingPathComponent("details").appendingPathComponent(query.server)
            .appendingPathComponent(query.from).appendingPathComponent(query.to).appendingPathComponent(String(cursor))
        var components = URLComponents(url: path, resolvingAgainstBaseURL: false)!
        if let category = query.category {
            components.queryItems = [
                URLQueryItem(name: "category", value: category.replacingOccurrences(of: " ", with: "_"))
            ]
        }
        return components.url!
    }

    /// Up to `limit` posts of the interval that match the terms; at most `maxPages` pages read.
    public func search(_ query: Query, limit: Int, maxPages: Int = 50) async throws -> [DiscoveredArticle] {
        var found: [DiscoveredArticle] = []
        var cursor = 0
        for _ in 0..<maxPages where found.count < limit {
            let page = try BiorxivDetails.parse(
                try await fetch.get(url(for: query, cursor: cursor)), server: query.server)
            found += page.articles.filter(query.matches)
            cursor += page.count
            if page.count == 0 || cursor >= page.total { break }
        }
        return Array(found.prefix(limit))
    }
}
