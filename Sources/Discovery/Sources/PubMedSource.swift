import Foundation
import JSONHTTP

/// PubMed through NCBI's E-utilities: `esearch.fcgi` for the newest matching PMIDs, then
/// `efetch.fcgi` for their records as XML; 3 requests a second, 10 with an API key (NCBI's
/// limits), with `tool` and `email` naming the caller as NCBI asks.
public struct PubMedSource: Sendable {
    public let baseURL: URL
    let fetch: PagedFetch
    let contact: String?
    let apiKey: String?
    public let pageSize: Int

    public init(
        baseURL: URL, contact: String?, apiKey: String?, spacing: RequestSpacing? = nil, pageSize: Int = 100,
        timeout: TimeInterval = 30
    ) {
        self.baseURL = baseURL
        self.contact = contact
        self.apiKey = apiKey
        self.pageSize = max(1, min(pageSize, 10_000))
        fetch = PagedFetch(
            service: "PubMed", client: PoliteClient.make(contact: contact, timeout: timeout),
            spacing: spacing ?? RequestSpacing(interval: .milliseconds(apiKey == nil ? 334 : 100)))
    }

    private func url(_ endpoint: String, _ items: [URLQueryItem]) -> URL {
        var components = URLComponents(url: baseURL.appendingPathComponent(endpoint), resolvingAgainstBaseURL: false)!
        var all = items + [URLQueryItem(name: "db", value: "pubmed"), URLQueryItem(name: "tool", value: "thoth")]
        if let contact { all.append(URLQueryItem(name: "email", value: contact)) }
        if let apiKey { all.append(URLQueryItem(name: "api_key", value: apiKey)) }
        components.queryItems = all
        return components.url!
    }

    public func searchURL(_ term: String, start: Int) -> URL {
        url(
            "esearch.fcgi",
            [
                URLQueryItem(name: "term", value: term), URLQueryItem(name: "retstart", value: String(start)),
                URLQueryItem(name: "retmax", value: String(pageSize)), URLQueryItem(name: "sort", value: "pub_date"),
            ])
    }

    public func fetchURL(_ ids: [String]) -> URL {
        url(
            "efetch.fcgi",
            [URLQueryItem(name: "id", value: ids.joined(separator: ",")), URLQueryItem(name: "retmode", value: "xml")])
    }

    /// Up to `limit` articles matching `term` (PubMed's query syntax), newest first.
    public func search(_ term: String, limit: Int) async throws -> [DiscoveredArticle] {
        var found: [DiscoveredArticle] = []
        var start = 0
        while found.count < limit {
            let (ids, count) = try PubMedArticles.searchResult(try await fetch.get(searchURL(term, start: start)))
            guard !ids.isEmpty else { break }
            found += try PubMedArticles.articles(try await fetch.get(fetchURL(Array(ids.prefix(limit - found.count)))))
            start += ids.count
            if start >= count { break }
        }
        return Array(found.prefix(limit))
    }
}
