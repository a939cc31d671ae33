import Foundation
import JSONHTTP

/// One GET of a page, in the service's turn, with a non-2xx answer made a `SourceError`.
struct PagedFetch: Sendable {
    let service: String
    let client: JSONHTTPClient
    let spacing: RequestSpacing

    func get(_ url: URL) async throws -> Data {
        let client = client
        let reply = try await spacing.perform { try await client.send("GET", url) }
        guard reply.isSuccess else {
            throw SourceError("\(service) answered HTTP \(reply.status): \(reply.message.prefix(300))")
        }
        return reply.body
    }
}
