import Foundation
import JSON

/// Reads OpenAlex's `/works` answers: a list (`results`, with `meta.next_cursor` for cursor
/// paging) or one work.
public enum OpenAlexWorks {
    public struct Page: Sendable {
        public var articles: [DiscoveredArticle]
        public var total: Int
        public var nextCursor: String?
    }

    /// The members of a work that `article` reads; the rest (referenced and related works,
    /// counts by year, grants, MeSH — most of a work's bytes) are skipped unbuilt.
    static let workFields: Set<String> = [
        "id", "title", "display_name", "authorships", "ids", "doi", "publication_date", "publication_year",
        "primary_location", "best_oa_location", "locations", "abstract_inverted_index", "topics", "concepts",
    ]

    public static func parse(_ bytes: some Collection<UInt8>) throws -> Page {
        var root = JSONObject()
        var results: [JSONObject]?
        do {
            try JSONReader.read(bytes) { reader throws(JSONError) in
                guard reader.peekKind() == .object else { throw JSONError("not an object", offset: 0) }
                try reader.readObject { key, reader throws(JSONError) in
                    switch key {
                    case "results" where reader.peekKind() == .array:
                        results = try reader.readObjects(keeping: workFields)
                    case "meta", "error", "message",
                        _ where workFields.contains(key):
                        root[key] = try reader.readValue()
                    default: try reader.skipValue()
                    }
                }
            }
        } catch {
            throw SourceError("OpenAlex answered with something that is not JSON")
        }
        if let error = root["error"]?.stringValue {
            throw SourceError("OpenAlex refused the request: \(error) \(root["message"]?.stringValue ?? "")")
        }
        guard let results else {
            guard root["id"] != nil else { throw SourceError("OpenAlex answered with neither works nor a work") }
            return Page(articles: [article(root)].compactMap { $0 }, total: 1, nextCursor: nil)
        }
        let articles = results.compactMap(article)
        let meta = root["meta"]?.objectValue
        return Page(
            articles: articles, total: Int(meta?["count"]?.intValue ?? Int64(articles.count)),
            nextCursor: articles.isEmpty ? nil : meta?["next_cursor"]?.stringValue)
    }

    static func article(_ work: JSONObject) -> DiscoveredArticle? {
        guard let title = (work["title"] ?? work["display_name"])?.stringValue, !title.isEmpty else { return nil }
        let authors = (work["authorships"]?.arrayValue ?? []).compactMap {
            $0.objectValue?["author"]?.objectValue?["display_name"]?.stringValue
        }
        var article = DiscoveredArticle(title: title, authors: authors, source: "openalex")
        let ids = work["ids"]?.objectValue
        article.doi = (work["doi"] ?? ids?["doi"])?.stringValue.map(stripped(prefix: "doi.org/"))?.lowercased()
        article.pmid = ids?["pmid"]?.stringValue.map(stripped(prefix: "pubmed.ncbi.nlm.nih.gov/"))
        article.pmcid = ids?["pmcid"]?.stringValue.map(stripped(prefix: "/pmc/articles/"))
        article.published =
            work["publication_date"]?.stringValue
            ?? work["publication_year"]?.intValue.map { String($0) }
        let primary = work["primary_location"]?.objectValue
        article.venue = primary?["source"]?.objectValue?["display_name"]?.stringValue
        article.url = primary?["landing_page_url"]?.stringValue ?? work["id"]?.stringValue
        article.pdfURL =
            work["best_oa_location"]?.objectValue?["pdf_url"]?.stringValue ?? primary?["pdf_url"]?.stringValue
        for location in work["locations"]?.arrayValue ?? [] {
            let landing = location.objectValue?["landing_page_url"]?.stringValue ?? ""
            if let range = landing.range(of: "arxiv.org/abs/") {
                article.arxivID = String(landing[range.upperBound...])
                break
            }
        }
        article.abstract = work["abstract_inverted_index"]?.objectValue.flatMap(Self.abstract)
        let topics: [JSONValue] = work["topics"]?.arrayValue ?? work["concepts"]?.arrayValue ?? []
        article.categories = topics.prefix(5).compactMap { $0.objectValue?["display_name"]?.stringValue }
        return article
    }

    /// OpenAlex ships abstracts as word → positions; the words put back in order, less the
    /// heading word "Abstract" many publishers' records start with.
    static func abstract(_ index: JSONObject) -> String? {
        var positioned: [(Int64, String)] = []
        for (word, positions) in index {
            for position in positions.arrayValue ?? [] {
                if let at = position.intValue { positioned.append((at, word)) }
            }
        }
        guard !positioned.isEmpty, positioned.count < 100_000 else { return nil }
        var words = positioned.sorted { $0.0 < $1.0 }.map(\.1)
        if words.count > 1, words[0] == "Abstract" { words.removeFirst() }
        return words.joined(separator: " ")
    }

    /// The part of an id URL after `prefix` (`https://doi.org/10.1/x` → `10.1/x`), or the
    /// whole when it has no such part.
    static func stripped(prefix: String) -> (String) -> String {
        { value in value.range(of: prefix).map { String(value[$0.upperBound...]) } ?? value }
    }
}
