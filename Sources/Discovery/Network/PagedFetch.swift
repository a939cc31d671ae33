import Foundation
import JSON
import JSONHTTP

/// One GET of a page, in the service's turn, with a non-2xx answer made a `SourceError`.
struct PagedFetch: Sendable {
    let service: String
    let client: JSONHTTPClient
    let spacing: RequestSpacing

    func get(_ url: URL) async throws -> Data {
        try checked(try await send("GET", url, body: nil))
    }

    /// One GET of a thing the service may not know: nil when it answers 404.
    func getIfFound(_ url: URL) async throws -> Data? {
        let reply = try await send("GET", url, body: nil)
        return reply.status == 404 ? nil : try checked(reply)
    }

    /// One POST of a JSON body, in the service's turn, with a non-2xx answer made a `SourceError`.
    func post(_ url: URL, body: JSONValue) async throws -> Data {
        try checked(try await send("POST", url, body: body))
    }

    private func send(_ method: String, _ url: URL, body: JSONValue?) async throws -> JSONHTTPClient.Reply {
        let client = client
        return try await spacing.perform { try await client.send(method, url, body: body) }
    }

    private func checked(_ reply: JSONHTTPClient.Reply) throws -> Data {
        guard reply.isSuccess else {
            throw SourceError("\(service) answered HTTP \(reply.status): \(reply.message.prefix(300))")
        }
        return reply.body
    }

    /// A cursor-paged listing (CrossRef, OpenAlex: `*` first, then each page's next cursor),
    /// read until `limit` articles, the listing's total, or its last page.
    func collect(
        limit: Int, page: (_ cursor: String) -> URL,
        parse: (Data) throws -> (articles: [DiscoveredArticle], total: Int, next: String?)
    ) async throws -> [DiscoveredArticle] {
        var found: [DiscoveredArticle] = []
        var cursor = "*"
        while found.count < limit {
            let result = try parse(try await get(page(cursor)))
            found += result.articles
            guard let next = result.next, next != cursor, found.count < result.total else { break }
            cursor = next
        }
        return Array(found.prefix(limit))
    }
}
