import Foundation

/// A paper as a discovery source reports it, normalised across sources.
public struct DiscoveredArticle: Sendable, Equatable {
    public var title: String
    public var authors: [String]
    public var abstract: String?
    public var doi: String?
    public var arxivID: String?
    public var pmid: String?
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

    /// The key two sources' records of one paper share: DOI, else arXiv id, else PMID, else the
    /// title's letters and digits, lowercased.
    public var identity: String {
        if let doi { return "doi:" + doi.lowercased() }
        if let arxivID { return "arxiv:" + arxivID }
        if let pmid { return "pmid:" + pmid }
        return "title:" + String(title.lowercased().unicodeScalars.filter(CharacterSet.alphanumerics.contains))
    }
}
