import Foundation

/// A paper as a discovery source reports it, normalised across sources.
public struct DiscoveredArticle: Sendable, Equatable {
    public var title: String
    public var authors: [String]
    public var abstract: String?
    public var doi: String?
    public var arxivID: String?
    public var pmid: String?
    /// PubMed Central's id (`PMC4221854`), where the free full text is.
    public var pmcid: String?
    public var venue: String?
    /// Publication (or first version) date, ISO 8601.
    public var published: String?
    public var url: String?
    public var pdfURL: String?
    public var categories: [String] = []
    /// The source that found it (`arxiv`, `pubmed`, …).
    public var source: String

    public init(title: String, authors: [String], source: String) {
        self.title = title
        self.authors = authors
        self.source = source
    }

    /// The key an article is stored under: DOI, else arXiv id, else PMID, else the title's
    /// letters and digits, lowercased.
    public var identity: String {
        if let doi { return "doi:" + doi.lowercased() }
        if let arxivID { return "arxiv:" + arxivID }
        if let pmid { return "pmid:" + pmid }
        return "title:" + titleKey
    }

    /// The title reduced to lowercased letters and digits: two sources' spellings of one
    /// title agree on it.
    public var titleKey: String { Self.titleKey(title) }

    public static func titleKey(_ title: String) -> String {
        String(title.lowercased().unicodeScalars.filter(CharacterSet.alphanumerics.contains))
    }

    /// The arXiv id without its version (`1707.08567v2` → `1707.08567`): every version is one paper.
    public var arxivKey: String? { arxivID.map(Self.arxivKey) }

    public static func arxivKey(_ id: String) -> String {
        guard let v = id.lastIndex(of: "v"), v != id.startIndex, id[id.index(after: v)...].allSatisfy(\.isNumber),
            id.index(after: v) != id.endIndex
        else { return id }
        return String(id[..<v])
    }
}
