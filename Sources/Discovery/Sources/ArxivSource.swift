import Foundation
import JSONHTTP

/// arXiv's search API (`/api/query`): a query of `ti:`/`abs:`/`all:` terms and `cat:`
/// categories, newest first, read page by page at most every 3 s, as arXiv's terms of use ask.
public struct ArxivSource: Sendable {
    public struct Query: Sendable, Equatable {
        public var terms: [String]
        public var categories: [String]
        public init(terms: [String], categories: [String] = []) {
            self.terms = terms
            self.categories = categories
        }

        /// The `search_query` value: terms in title or abstract, any of the categories.
        public var searchQuery: String {
            let words = terms.map { term -> String in
                let quoted = term.contains(" ") ? "\"\(term)\"" : term
                return "(ti:\(quoted) OR abs:\(quoted))"
            }
            let categories = self.categories.map { "cat:\($0)" }
            let parts = [words.joined(separator: " AND "), categories.joined(separator: " OR ")].filter { !$0.isEmpty }
            return parts.count == 2 ? "(\(parts[0])) AND (\(parts[1]))" : parts.first ?? "all:*"
        }
    }

    public let baseURL: URL
    let fetch: PagedFetch
    public let pageSize: Int

    /// `baseURL` is the API root (`https://export.arxiv.org/api`); `contact` goes into the
    /// User-Agent so arXiv can reach whoever runs the crawler.
    public init(
        baseURL: URL, contact: String?, spacing: RequestSpacing = RequestSpacing(interval: .seconds(3)),
        pageSize: Int = 100, timeout: TimeInterval = 30
    ) {
        self.baseURL = baseURL
        self.pageSize = max(1, min(pageSize, 2000))
        fetch = PagedFetch(
            service: "arXiv", client: PoliteClient.make(contact: contact, timeout: timeout), spacing: spacing)
    }

    /// The URL of one page of results, newest submissions first.
    public func url(for query: Query, start: Int) -> URL {
        var components = URLComponents(url: baseURL.appendingPathComponent("query"), resolvingAgainstBaseURL: false)!
        components.queryItems = [
            URLQueryItem(name: "search_query", value: query.searchQuery),
            URLQueryItem(name: "sortBy", value: "submittedDate"), URLQueryItem(name: "sortOrder", value: "descending"),
            URLQueryItem(name: "start", value: String(start)),
            URLQueryItem(name: "max_results", value: String(pageSize)),
        ]
        return components.url!
    }

    /// Up to `limit` papers matching `query`, newest first.
    public func search(_ query: Query, limit: Int) async throws -> [DiscoveredArticle] {
        var found: [DiscoveredArticle] = []
        var start = 0
        while found.count < limit {
            let page = try ArxivFeed.parse(try await fetch.get(url(for: query, start: start)))
            found += page.articles
            start += page.articles.count
            if page.articles.isEmpty || start >= page.total { break }
        }
        return Array(found.prefix(limit))
    }
}
