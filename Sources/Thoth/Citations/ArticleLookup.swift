import Citations
import Discovery
import Foundation
import JSON

/// CrossRef as the references' bibliographic lookup, each answer (a miss too) remembered in the
/// citation graph's cache, so a DOI or a title is asked for once.
public struct CrossrefLookup: BibliographicLookup {
    public let name = "crossref"
    let client: CrossrefSource
    let cache: CitationGraph

    public init(client: CrossrefSource, cache: CitationGraph) {
        self.client = client
        self.cache = cache
    }

    public func work(doi: String) async throws -> Reference? {
        try await cached("doi:" + doi.lowercased()) { try await client.work(doi: doi) }
    }

    public func bestMatch(title: String, authors: String?) async throws -> Reference? {
        try await cached("match:" + title.lowercased() + "|" + (authors ?? "").lowercased()) {
            try await client.bestMatch(title: title, authors: authors)
        }
    }

    private func cached(_ key: String, _ fetch: () async throws -> DiscoveredArticle?) async throws -> Reference? {
        if let value = try cache.cachedLookup(key) {
            return (try? JSONReader.parse(value))?.objectValue.map { Reference(json: $0) }
        }
        let work = try await fetch().map(Self.reference)
        try cache.cacheLookup(key, value: JSONWriter.string(work.map { .object($0.json) } ?? .null))
        return work
    }

    static func reference(_ article: DiscoveredArticle) -> Reference {
        var reference = Reference(raw: "")
        reference.title = article.title
        reference.authors = article.authors
        reference.doi = article.doi
        reference.year = article.published.flatMap { Int($0.prefix(4)) }
        reference.venue = article.venue
        reference.url = article.url
        return reference
    }
}
