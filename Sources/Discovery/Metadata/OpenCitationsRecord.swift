import JSON

/// One work as OpenCitations Meta describes it (`/metadata/doi:…`): names and venues carry their
/// identifiers in brackets ("Massari, Arcangelo [orcid:… omid:…]"), which are dropped here.
public struct OpenCitationsRecord: Sendable, Equatable {
    public var dois: [String] = []
    public var title: String?
    /// "Family, Given", as Meta writes them.
    public var authors: [String] = []
    /// Year, month and day, as many as `pub_date` gives.
    public var date: [Int] = []
    public var venue: String?
    public var volume: String?
    public var issue: String?
    public var pages: String?
    public var publisher: String?
    /// The CSL item type of Meta's `type` ("journal article" → `article-journal`); nil when unknown.
    public var type: String?

    /// The records of a `/metadata` answer (a list of objects).
    public static func parse(_ bytes: some Collection<UInt8>) throws -> [OpenCitationsRecord] {
        guard case .array(let items)? = try? JSONReader.parse(bytes) else {
            throw SourceError("OpenCitations Meta answered with something that is not a list")
        }
        return items.compactMap(\.objectValue).map(Self.init)
    }

    init(_ item: JSONObject) {
        let field = { (key: String) -> String? in
            let value = item[key]?.stringValue.map(Self.withoutIdentifiers) ?? ""
            return value.isEmpty ? nil : value
        }
        dois = (item["id"]?.stringValue ?? "").split(separator: " ").compactMap {
            $0.hasPrefix("doi:") ? $0.dropFirst(4).lowercased() : nil
        }
        title = field("title")
        authors = (item["author"]?.stringValue ?? "").components(separatedBy: "; ").map(Self.withoutIdentifiers)
            .filter { !$0.isEmpty }
        date = (field("pub_date") ?? "").split(separator: "-").prefix(3).compactMap { Int($0) }
        venue = field("venue")
        volume = field("volume")
        issue = field("issue")
        pages = field("page")
        publisher = field("publisher")
        type = field("type").flatMap { Self.types[$0] }
    }

    /// "Quantitative Science Studies [issn:2641-3337 omid:br/…]" → "Quantitative Science Studies".
    static func withoutIdentifiers(_ text: String) -> String {
        var text = Substring(text)
        if text.hasSuffix("]"), let open = text.lastIndex(of: "[") { text = text[..<open] }
        return text.trimmingCharacters(in: .whitespaces)
    }

    /// Meta's work types (the OpenCitations Data Model's) as CSL item types.
    static let types = [
        "journal article": "article-journal", "book chapter": "chapter", "book": "book",
        "proceedings article": "paper-conference", "report": "report", "dissertation": "thesis",
        "dataset": "dataset", "reference entry": "entry-encyclopedia", "web content": "webpage",
        "posted content": "article", "standard": "standard",
    ]
}
