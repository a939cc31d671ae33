import Foundation
import JSONHTTP

/// OpenAlex's `/works` search: full-text `search`, an optional publication-date filter, newest
/// first, cursor paging, `mailto` for the polite pool (OpenAlex allows 10 requests/s).
public struct OpenAlexSource: Sendable {
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
        self.pageSize = max(1, min(pageSize, 200))
        fetch = PagedFetch(
            service: "OpenAlex", client: PoliteClient.make(contact: contact, timeout: timeout), spacing: spacing)
    }

    public func url(query: String, fromDate: String?, cursor: String) -> URL {
        var components = URLComponents(url: baseURL.appendingPathComponent("works"), resolvingAgainstBaseURL: false)!
        var items = [
            URLQueryItem(name: "search", value: query), URLQueryItem(name: "sort", value: "publication_date:desc"),
            URLQueryItem(name: "per-page", value: String(pageSize)), URLQueryItem(name: "cursor", value: cursor),
        ]
        if let fromDate { items.append(URLQueryItem(name: "filter", value: "from_publication_date:\(fromDate)")) }
        if let contact { items.append(URLQueryItem(name: "mailto", value: contact)) }
        components.queryItems = items
        return components.url!
    }

    /// Up to `limit` works matching `query`, published on or after `fromDate` (YYYY-MM-DD).
    public func search(_ query: String, fromDate: String? = nil, limit: Int) async throws -> [DiscoveredArticle] {
        try await fetch.collect(limit: limit) {
            url(query: query, fromDate: fromDate, cursor: $0)
        } parse: {
            let page = try OpenAlexWorks.parse($0)
            return (page.articles, page.total, page.nextCursor)
        }
    }
}
