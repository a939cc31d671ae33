import Foundation
import JSONHTTP

/// CrossRef's `/works` search: a bibliographic query, optionally from a publication date on,
/// newest first, paged by cursor, identified by `mailto` (CrossRef's "polite pool").
public struct CrossrefSource: Sendable {
    public let baseURL: URL
    let fetch: PagedFetch
    let contact: String?
    public let pageSize: Int

    public init(
        baseURL: URL, contact: String?, spacing: RequestSpacing = RequestSpacing(interval: .milliseconds(100)),
        pageSize: Int = 100, timeout: TimeInterval = 30
    ) {
        self.baseURL = baseURL
        self.contact = contact
        self.pageSize = max(1, min(pageSize, 1000))
        fetch = PagedFetch(
            service: "CrossRef", client: PoliteClient.make(contact: contact, timeout: timeout), spacing: spacing)
    }

    /// One page's URL; `cursor` is `*` for the first.
    public func url(query: String, fromDate: String?, cursor: String) -> URL {
        var components = URLComponents(url: baseURL.appendingPathComponent("works"), resolvingAgainstBaseURL: false)!
        var items = [
            URLQueryItem(name: "query.bibliographic", value: query),
            URLQueryItem(name: "rows", value: String(pageSize)),
            URLQueryItem(name: "sort", value: "published"), URLQueryItem(name: "order", value: "desc"),
            URLQueryItem(name: "cursor", value: cursor),
        ]
        if let fromDate { items.append(URLQueryItem(name: "filter", value: "from-pub-date:\(fromDate)")) }
        if let contact { items.append(URLQueryItem(name: "mailto", value: contact)) }
        components.queryItems = items
        return components.url!
    }

    /// Up to `limit` works matching `query`, published on or after `fromDate` (YYYY-MM-DD).
    public func search(_ query: String, fromDate: String? = nil, limit: Int) async throws -> [DiscoveredArticle] {
        try await fetch.collect(limit: limit) {
            url(query: query, fromDate: fromDate, cursor: $0)
        } parse: {
            let page = try CrossrefWorks.parse($0)
            return (page.articles, page.total, page.nextCursor)
        }
    }

    /// The work a DOI names; nil when CrossRef does not know it (404).
    public func work(doi: String) async throws -> DiscoveredArticle? {
        var components = URLComponents(
            url: baseURL.appendingPathComponent("works").appendingPathComponent(doi), resolvingAgainstBaseURL: false)!
        if let contact { components.queryItems = [URLQueryItem(name: "mailto", value: contact)] }
        guard let body = try await fetch.getIfFound(components.url!) else { return nil }
        return try CrossrefWorks.parse(body).articles.first
    }

    /// CrossRef's best match for a title (and authors, when known): its first hit, which the
    /// caller must still judge.
    public func bestMatch(title: String, authors: String?) async throws -> DiscoveredArticle? {
        var components = URLComponents(url: baseURL.appendingPathComponent("works"), resolvingAgainstBaseURL: false)!
        var items = [URLQueryItem(name: "query.title", value: title), URLQueryItem(name: "rows", value: "1")]
        if let authors, !authors.isEmpty { items.append(URLQueryItem(name: "query.author", value: authors)) }
        if let contact { items.append(URLQueryItem(name: "mailto", value: contact)) }
        components.queryItems = items
        return try CrossrefWorks.parse(try await fetch.get(components.url!)).articles.first
    }
}
