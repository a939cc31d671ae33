import Foundation

#if canImport(FoundationXML)
    import FoundationXML
#endif

/// Reads NCBI E-utilities XML: esearch's id list, and efetch's `PubmedArticleSet`.
public enum PubMedArticles {

    /// PMIDs of an esearch answer, and how many match in all.
    public static func searchResult(_ data: Data) throws -> (ids: [String], count: Int) {
        let reader = ElementText(collecting: ["Id", "Count", "ERROR"])
        try reader.parse(data, root: "eSearchResult")
        if let error = reader.values["ERROR"]?.first {
            throw SourceError("PubMed refused the search: \(error)")
        }
        return (reader.values["Id"] ?? [], Int(reader.values["Count"]?.first ?? "") ?? 0)
    }

    /// The articles of an efetch answer.
    public static func articles(_ data: Data) throws -> [DiscoveredArticle] {
        let reader = ArticleReader()
        let parser = XMLParser(data: data)
        parser.delegate = reader
        guard parser.parse(), reader.sawSet else {
            throw SourceError("PubMed answered with something that is not a PubmedArticleSet")
        }
        return reader.articles
    }

    /// Texts of a few named elements anywhere in a document with the expected root.
    private final class ElementText: NSObject, XMLParserDelegate {
        let names: Set<String>
        var values: [String: [String]] = [:]
        var root: String?
        /// The root element ended: the document was not cut short.
        var closed = false
        private var text = ""

        init(collecting names: Set<String>) { self.names = names }

        func parse(_ data: Data, root expected: String) throws {
            let parser = XMLParser(data: data)
            parser.delegate = self
            guard parser.parse(), root == expected, closed else {
                throw SourceError("PubMed answered with something that is not an \(expected)")
            }
        }

        func parser(
            _ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
            attributes: [String: String] = [:]
        ) {
            if root == nil { root = name }
            text = ""
        }

        func parser(_ parser: XMLParser, foundCharacters string: String) { text += string }

        func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
            if names.contains(name) {
                values[name, default: []].append(text.trimmingCharacters(in: .whitespacesAndNewlines))
            }
            if name == root { closed = true }
            text = ""
        }
    }

    private final class ArticleReader: NSObject, XMLParserDelegate {
        var articles: [DiscoveredArticle] = []
        var sawSet = false
        private var current: DiscoveredArticle?
        private var text = ""
        private var path: [String] = []
        private var lastName = ""
        private var foreName = ""
        private var abstract: [String] = []
        private var label: String?
        private var idType: String?
        private var date: (year: String?, month: String?, day: String?) = (nil, nil, nil)

        func parser(
            _ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
            attributes: [String: String] = [:]
        ) {
            path.append(name)
            text = ""
            switch name {
            case "PubmedArticle":
                current = DiscoveredArticle(title: "", authors: [], source: "pubmed")
                abstract = []
                date = (nil, nil, nil)
            case "Author": (lastName, foreName) = ("", "")
            case "AbstractText": label = attributes["Label"]
            case "ArticleId": idType = attributes["IdType"]
            default: break
            }
        }

        func parser(_ parser: XMLParser, foundCharacters string: String) { text += string }

        func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
            defer {
                path.removeLast()
                text = ""
            }
            if name == "PubmedArticleSet" { sawSet = true }  // closed: not cut short
            let value = PlainText.collapsed(text)
            guard current != nil else { return }
            let parent = path.dropLast().last
            switch name {
            case "PMID" where parent == "MedlineCitation": current?.pmid = value
            case "ArticleTitle": current?.title = value
            case "AbstractText": abstract.append(label.map { "\($0): \(value)" } ?? value)
            case "LastName": lastName = value
            case "ForeName": foreName = value
            case "CollectiveName": current?.authors.append(value)
            case "Author":
                let full = [foreName, lastName].filter { !$0.isEmpty }.joined(separator: " ")
                if !full.isEmpty { current?.authors.append(full) }
            case "Title" where parent == "Journal": current?.venue = value
            case "Year" where parent == "PubDate": date.year = value
            case "Month" where parent == "PubDate": date.month = value
            case "Day" where parent == "PubDate": date.day = value
            case "MedlineDate" where parent == "PubDate": date.year = String(value.prefix(4))
            case "ArticleId":
                if idType == "doi" { current?.doi = value.lowercased() }
                if idType == "pmc" { current?.pmcid = value }
            case "PubmedArticle":
                if !abstract.isEmpty { current?.abstract = abstract.joined(separator: "\n") }
                current?.published = Self.isoDate(date)
                if let pmid = current?.pmid { current?.url = "https://pubmed.ncbi.nlm.nih.gov/\(pmid)/" }
                if let article = current, !article.title.isEmpty { articles.append(article) }
                current = nil
            default: break
            }
        }

        private static let months = [
            "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
        ]

        /// "2001", "Jun" → "2001-06"; a day is kept when the month is known.
        static func isoDate(_ date: (year: String?, month: String?, day: String?)) -> String? {
            guard let year = date.year, year.count == 4 else { return nil }
            guard let month = date.month else { return year }
            let number = Int(month) ?? (months.firstIndex(of: String(month.lowercased().prefix(3))).map { $0 + 1 } ?? 0)
            guard (1...12).contains(number) else { return year }
            var iso = year + (number < 10 ? "-0\(number)" : "-\(number)")
            if let day = date.day.flatMap(Int.init), (1...31).contains(day) { iso += day < 10 ? "-0\(day)" : "-\(day)" }
            return iso
        }
    }
}
