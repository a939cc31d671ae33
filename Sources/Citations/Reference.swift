import Foundation

/// One entry of a paper's reference list, as parsed from its printed form. Every field but
/// `raw` is a best reading of the text; `raw` is kept as printed.
public struct Reference: Sendable, Equatable {
    public var raw: String
    /// Authors as printed ("Lynch, S.", "S. Lynch", "Mendes, Paco"), "et al." dropped.
    public var authors: [String] = []
    public var title: String?
    public var year: Int?
    /// Month and day of publication, when the source gives them (CSL styles print them).
    public var month: Int?
    public var day: Int?
    /// The CSL item type (`article-journal`, `chapter`, `book`, …) when known; otherwise the
    /// exports guess it from the venue.
    public var type: String?
    /// The journal, proceedings or book it appeared in.
    public var venue: String?
    public var volume: String?
    public var issue: String?
    public var pages: String?
    public var publisher: String?
    public var doi: String?
    public var arxivID: String?
    public var url: String?
    /// The service that completed it (`crossref`), when one did.
    public var resolvedBy: String?

    public init(raw: String) { self.raw = raw }

    /// This reference with its empty fields taken from `other` (what it has stays).
    public func fillingGaps(from other: Reference) -> Reference {
        var result = self
        result.doi = doi ?? other.doi
        result.title = title ?? other.title
        result.year = year ?? other.year
        if year == nil || year == other.year {
            result.month = month ?? other.month
            result.day = day ?? other.day
        }
        result.type = type ?? other.type
        result.publisher = publisher ?? other.publisher
        result.venue = venue ?? other.venue
        result.volume = volume ?? other.volume
        result.issue = issue ?? other.issue
        result.pages = pages ?? other.pages
        result.url = url ?? other.url
        result.arxivID = arxivID ?? other.arxivID
        if authors.isEmpty { result.authors = other.authors }
        return result
    }

    /// Whether the parser is unsure of it: no authors, no year, or no title of two words or more
    /// (a chat model, when there is one, is asked about these).
    public var isUncertain: Bool {
        authors.isEmpty || year == nil || (title?.split(separator: " ").count ?? 0) < 2
    }

    /// The first author's family name: the part before the comma in "Family, Given", else what
    /// follows the initials in "G. H. Family" ("J. De Kort" → "De Kort"), else the last word.
    public var firstAuthorFamily: String? {
        authors.first.map { PersonName($0).family }.flatMap { $0.isEmpty ? nil : $0 }
    }
}

extension String {
    var trimmed: String { trimmingCharacters(in: .whitespacesAndNewlines) }
}
