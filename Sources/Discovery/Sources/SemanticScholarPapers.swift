import Foundation
import JSON

/// Reads Semantic Scholar Graph API answers: a search page (`data`, `total`, `next`) or one
/// paper (`paperId` at the top).
public enum SemanticScholarPapers {
    /// The fields discovery asks for.
    public static let fields = "title,abstract,authors,externalIds,venue,year,publicationDate,openAccessPdf,url"

    public struct Page: Sendable {
        public var articles: [DiscoveredArticle]
        public var total: Int
        /// The offset of the next page; nil on the last.
        public var next: Int?
    }

    public static func parse(_ bytes: some Collection<UInt8>) throws -> Page {
        guard let root = try? JSONReader.parse(bytes).objectValue else {
            throw SourceError("Semantic Scholar answered with something that is not JSON")
        }
        if let error = (root["error"] ?? root["message"])?.stringValue, root["paperId"] == nil, root["data"] == nil {
            throw SourceError("Semantic Scholar refused the request: \(error)")
        }
        guard case .array(let data)? = root["data"] else {
            guard root["paperId"] != nil else { throw SourceError("Semantic Scholar answered with no papers") }
            return Page(articles: [article(root)].compactMap { $0 }, total: 1, next: nil)
        }
        let articles = data.compactMap { $0.objectValue.flatMap(article) }
        return Page(
            articles: articles, total: Int(root["total"]?.intValue ?? Int64(articles.count)),
            next: root["next"]?.intValue.map { Int($0) })
    }

    /// A `/paper/batch` answer: one entry per identifier asked, null where none was found.
    public static func batch(_ bytes: some Collection<UInt8>) throws -> [DiscoveredArticle?] {
        guard case .array(let entries)? = try? JSONReader.parse(bytes) else {
            throw SourceError("Semantic Scholar answered a batch with something that is not a list")
        }
        return entries.map { $0.objectValue.flatMap(article) ?? $0.objectValue.map(untitled) }
    }

    /// A paper answered without a title (the fields asked for left it out): kept, so positions hold.
    static func untitled(_ paper: JSONObject) -> DiscoveredArticle {
        var article = DiscoveredArticle(
            title: "",
            authors: (paper["authors"]?.arrayValue ?? []).compactMap { $0.objectValue?["name"]?.stringValue },
            source: "semanticscholar")
        article.doi = paper["externalIds"]?.objectValue?["DOI"]?.stringValue?.lowercased()
        return article
    }

    static func article(_ paper: JSONObject) -> DiscoveredArticle? {
        guard let title = paper["title"]?.stringValue, !title.isEmpty else { return nil }
        let authors = (paper["authors"]?.arrayValue ?? []).compactMap { $0.objectValue?["name"]?.stringValue }
        var article = DiscoveredArticle(title: title, authors: authors, source: "semanticscholar")
        let ids = paper["externalIds"]?.objectValue
        article.doi = ids?["DOI"]?.stringValue?.lowercased()
        article.arxivID = ids?["ArXiv"]?.stringValue
        article.pmid = ids?["PubMed"]?.stringValue
        article.pmcid = ids?["PubMedCentral"]?.stringValue.map { $0.hasPrefix("PMC") ? $0 : "PMC" + $0 }
        article.abstract = paper["abstract"]?.stringValue
        article.venue = paper["venue"]?.stringValue.flatMap { $0.isEmpty ? nil : $0 }
        article.published = paper["publicationDate"]?.stringValue ?? paper["year"]?.intValue.map { String($0) }
        article.url = paper["url"]?.stringValue
        article.pdfURL = paper["openAccessPdf"]?.objectValue?["url"]?.stringValue.flatMap { $0.isEmpty ? nil : $0 }
        return article
    }
}
