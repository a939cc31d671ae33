import Foundation

#if canImport(FoundationXML)
    import FoundationXML
#endif

/// Reads the Atom feed the arXiv API answers with (one `entry` per paper; arXiv's own elements
/// under the `arxiv:` prefix) with Foundation's streaming XML parser.
public enum ArxivFeed {
    public struct Page: Sendable {
        public var articles: [DiscoveredArticle]
        /// `opensearch:totalResults`: how many papers match in all.
        public var total: Int
    }

    public static func parse(_ data: Data) throws -> Page {
        let reader = Reader()
        let parser = XMLParser(data: data)
        parser.shouldProcessNamespaces = false
        parser.delegate = reader
        // A feed cut short (a dropped connection) parses without complaint on some platforms:
        // only a closed </feed> counts.
        guard parser.parse(), reader.closedFeed else {
            throw SourceError(
                "arXiv answered with something that is not an Atom feed: "
                    + (parser.parserError.map { "\($0.localizedDescription)" } ?? "no <feed>"))
        }
        // arXiv reports a bad query as a feed with one entry titled "Error".
        if let first = reader.articles.first, first.title == "Error", first.arxivID == nil {
            throw SourceError("arXiv refused the query: \(first.abstract ?? "no reason given")")
        }
        return Page(articles: reader.articles, total: reader.total)
    }

    private final class Reader: NSObject, XMLParserDelegate {
        var articles: [DiscoveredArticle] = []
        var total = 0
        var closedFeed = false
        private var current: DiscoveredArticle?
        private var text = ""
        private var inAuthor = false

        func parser(
            _ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
            attributes: [String: String] = [:]
        ) {
            text = ""
            switch name {
            case "entry": current = DiscoveredArticle(title: "", authors: [], source: "arxiv")
            case "author": inAuthor = true
            case "link" where current != nil:
                if attributes["title"] == "pdf" || attributes["type"] == "application/pdf" {
                    current?.pdfURL = attributes["href"]
                } else if attributes["rel"] == "alternate" {
                    current?.url = attributes["href"]
                }
            case "category" where current != nil:
                if let term = attributes["term"], current?.categories.contains(term) == false {
                    current?.categories.append(term)
                }
            case "arxiv:primary_category" where current != nil:
                if let term = attributes["term"] {
                    current?.categories.removeAll { $0 == term }
                    current?.categories.insert(term, at: 0)
                }
            default: break
            }
        }

        func parser(_ parser: XMLParser, foundCharacters string: String) { text += string }

        func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
            let value = PlainText.collapsed(text)
            text = ""
            if name == "opensearch:totalResults" { total = Int(value) ?? 0 }
            if name == "feed" { closedFeed = true }
            guard current != nil else { return }
            switch name {
            case "entry":
                articles.append(current!)
                current = nil
            case "title": current?.title = value
            case "summary": current?.abstract = value.isEmpty ? nil : value
            case "name" where inAuthor: if !value.isEmpty { current?.authors.append(value) }
            case "author": inAuthor = false
            case "published": current?.published = value
            case "id": current?.arxivID = Self.identifier(value)
            case "arxiv:doi": current?.doi = value.isEmpty ? nil : value.lowercased()
            case "arxiv:journal_ref": current?.venue = value.isEmpty ? nil : value
            default: break
            }
        }

        /// "http://arxiv.org/abs/1707.08567v1" → "1707.08567v1"; old ids keep their archive
        /// ("hep-th/9901001v2").
        static func identifier(_ url: String) -> String? {
            guard let range = url.range(of: "/abs/") else { return nil }
            let id = String(url[range.upperBound...])
            return id.isEmpty ? nil : id
        }
    }
}
