import Foundation
import JSONHTTP

/// Semantic Scholar's paper search (`/paper/search`, offset paging, at most 100 a page) and
/// paper lookup by DOI or arXiv id. An API key (`x-api-key`) raises the rate limit; without
/// one, requests share a public pool, so they are spaced a second apart either way.
public struct SemanticScholarSource: Sendable {
    /// `baseURL` is the Graph API root (`https://api.semanticscholar.org/graph/v1`).
    public let baseURL: URL
    let fetch: PagedFetch
    public let pageSize: Int

    public init(
        baseURL: URL, apiKey: String?, contact: String?,
        spacing: RequestSpacing = RequestSpacing(interval: .seconds(1)),
        pageSize: Int = 100, timeout: TimeInterval = 30
    ) {
        self.baseURL = baseURL
        self.pageSize = max(1, min(pageSize, 100))
        let headers = apiKey.map { ["x-api-key": $0] } ?? [:]
        fetch = PagedFetch(
            service: "Semantic Scholar",
            client: PoliteClient.make(contact: contact, timeout: timeout, headers: headers),
            spacing: spacing)
    }

    public func searchURL(query: String, year: String?, offset: Int) -> URL {
        var components = URLComponents(
            url: baseURL.appendingPathComponent("paper/search"), resolvingAgainstBaseURL: false)!
        var items = [
            URLQueryItem(name: "query", value: query), URLQueryItem(name: "offset", value: String(offset)),
            URLQueryItem(name: "limit", value: String(pageSize)),
            URLQueryItem(name: "fields", value: SemanticScholarPapers.fields),
        ]
        if let year { items.append(URLQueryItem(name: "year", value: year)) }
        components.queryItems = items
        return components.url!
    }

    /// Up to `limit` papers matching `query`; `year` is Semantic Scholar's filter (`2024`, `2023-`).
    public func search(_ query: String, year: String? = nil, limit: Int) async throws -> [DiscoveredArticle] {
        var found: [DiscoveredArticle] = []
        var offset = 0
        while found.count < limit {
            let page = try SemanticScholarPapers.parse(
                try await fetch.get(searchURL(query: query, year: year, offset: offset)))
            found += page.articles
            guard let next = page.next, next > offset, !page.articles.isEmpty else { break }
            offset = next
        }
        return Array(found.prefix(limit))
    }

    /// One paper by `DOI:10.…` or `arXiv:2301.…`; nil when Semantic Scholar does not know it.
    public func paper(_ identifier: String) async throws -> DiscoveredArticle? {
        var components = URLComponents(
            url: baseURL.appendingPathComponent("paper").appendingPathComponent(identifier),
            resolvingAgainstBaseURL: false)!
        components.queryItems = [URLQueryItem(name: "fields", value: SemanticScholarPapers.fields)]
        guard let body = try await fetch.getIfFound(components.url!) else { return nil }
        return try SemanticScholarPapers.parse(body).articles.first
    }

    /// Papers by identifier (`DOI:…`, `arXiv:…`, `CorpusId:…`, a paper id) in batches of 100, one
    /// `POST /paper/batch` each; an identifier Semantic Scholar does not know gives nil, in place.
    public func papers(_ identifiers: [String]) async throws -> [DiscoveredArticle?] {
        var url = URLComponents(url: baseURL.appendingPathComponent("paper/batch"), resolvingAgainstBaseURL: false)!
        url.queryItems = [URLQueryItem(name: "fields", value: SemanticScholarPapers.fields)]
        var found: [DiscoveredArticle?] = []
        for start in stride(from: 0, to: identifiers.count, by: 100) {
            let batch = Array(identifiers[start..<min(start + 100, identifiers.count)])
            let body = try await fetch.post(url.url!, body: ["ids": .array(batch.map { .string($0) })])
            let papers = try SemanticScholarPapers.batch(body)
            guard papers.count == batch.count else {
                throw SourceError("Semantic Scholar answered \(papers.count) papers for \(batch.count) identifiers")
            }
            found += papers
        }
        return found
    }
}
