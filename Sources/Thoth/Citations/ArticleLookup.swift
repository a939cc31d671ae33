import Citations
import Discovery
import Foundation
import JSON

/// A bibliographic service's client (CrossRef, Semantic Scholar, OpenCitations Meta) as the
/// references' lookup, each answer (a miss too) remembered in the citation graph's cache, so a
/// DOI or a title is asked for once per service.
public struct ArticleLookup: BibliographicLookup {
    public let name: String
    /// Cache keys start with it (CrossRef's are unprefixed, as they were first written).
    let keyPrefix: String
    let byDOI: @Sendable (String) async throws -> Reference?
    /// Many DOIs in one call, answers in order; nil when the service has no batch endpoint.
    let byDOIs: (@Sendable ([String]) async throws -> [Reference?])?
    /// A search by title and authors; nil when the service has none.
    let byTitle: (@Sendable (String, String?) async throws -> Reference?)?
    let cache: CitationGraph

    /// CrossRef: `/works/{doi}` and a bibliographic query.
    public static func crossref(_ client: CrossrefSource, cache: CitationGraph) -> ArticleLookup {
        ArticleLookup(
            name: "crossref", keyPrefix: "", byDOI: { try await client.work(doi: $0).map(reference) }, byDOIs: nil,
            byTitle: { try await client.bestMatch(title: $0, authors: $1).map(reference) }, cache: cache)
    }

    /// Semantic Scholar: `/paper/batch` (100 DOIs a call) and the paper search.
    public static func semanticScholar(_ client: SemanticScholarSource, cache: CitationGraph) -> ArticleLookup {
        ArticleLookup(
            name: "semanticscholar", keyPrefix: "semanticscholar:",
            byDOI: { try await client.paper("DOI:" + $0).map(reference) },
            byDOIs: { try await client.papers($0.map { "DOI:" + $0 }).map { $0.map(reference) } },
            byTitle: { title, _ in try await client.search(title, limit: 1).first.map(reference) }, cache: cache)
    }

    /// OpenCitations Meta: many DOIs a request; it has no title search.
    public static func openCitations(_ client: OpenCitationsMeta, cache: CitationGraph) -> ArticleLookup {
        ArticleLookup(
            name: "opencitations", keyPrefix: "opencitations:",
            byDOI: { try await client.records(dois: [$0]).first?.map(reference) },
            byDOIs: { try await client.records(dois: $0).map { $0.map(reference) } }, byTitle: nil, cache: cache)
    }

    public func work(doi: String) async throws -> Reference? {
        try await cached(doiKey(doi)) { try await byDOI(doi) }
    }

    public func works(dois: [String]) async throws -> [Reference?] {
        guard let byDOIs else { return try await worksOneByOne(dois) }
        var known: [String: Reference?] = [:]
        for doi in dois {
            // `updateValue`: a remembered miss is a nil answer, not an absent one.
            if let value = try cache.cachedLookup(doiKey(doi)) {
                known.updateValue(Self.reference(cached: value), forKey: doi)
            }
        }
        var asked = Set<String>()
        let missing = dois.filter { known[$0] == nil && asked.insert($0).inserted }
        if !missing.isEmpty {
            for (doi, work) in zip(missing, try await byDOIs(missing)) {
                try remember(work, as: doiKey(doi))
                known.updateValue(work, forKey: doi)
            }
        }
        return dois.map { known[$0] ?? nil }
    }

    public func bestMatch(title: String, authors: String?) async throws -> Reference? {
        guard let byTitle else { return nil }
        return try await cached(keyPrefix + "match:" + title.lowercased() + "|" + (authors ?? "").lowercased()) {
            try await byTitle(title, authors)
        }
    }

    private func doiKey(_ doi: String) -> String { keyPrefix + "doi:" + doi.lowercased() }

    private func cached(_ key: String, _ fetch: () async throws -> Reference?) async throws -> Reference? {
        if let value = try cache.cachedLookup(key) { return Self.reference(cached: value) }
        let work = try await fetch()
        try remember(work, as: key)
        return work
    }

    /// The service's answer kept under `key` (`null` for a miss).
    private func remember(_ work: Reference?, as key: String) throws {
        try cache.cacheLookup(key, value: JSONWriter.string(work.map { .object($0.json) } ?? .null))
    }

    static func reference(cached value: String) -> Reference? {
        (try? JSONReader.parse(value))?.objectValue.map { Reference(json: $0) }
    }

    static func reference(_ article: DiscoveredArticle) -> Reference {
        var reference = Reference(raw: "")
        reference.title = article.title.isEmpty ? nil : article.title
        reference.authors = article.authors
        reference.doi = article.doi
        reference.arxivID = article.arxivID
        reference.year = article.published.flatMap { Int($0.prefix(4)) }
        reference.venue = article.venue
        reference.url = article.url
        return reference
    }

    static func reference(_ record: OpenCitationsRecord) -> Reference {
        var reference = Reference(raw: "")
        reference.title = record.title
        reference.authors = record.authors
        reference.doi = record.dois.first
        reference.year = record.date.first
        reference.month = record.date.count > 1 ? record.date[1] : nil
        reference.day = record.date.count > 2 ? record.date[2] : nil
        reference.venue = record.venue
        reference.volume = record.volume
        reference.issue = record.issue
        reference.pages = record.pages
        reference.publisher = record.publisher
        reference.type = record.type
        return reference
    }
}
