import Foundation
import JSON

/// Reads CrossRef's `/works` answers: a list (`message.items`, with `next-cursor` for deep
/// paging) or one work (`message` itself).
public enum CrossrefWorks {
    public struct Page: Sendable {
        public var articles: [DiscoveredArticle]
        public var total: Int
        /// The cursor of the next page; nil when there is none.
        public var nextCursor: String?
    }

    /// The members of a work that `article` reads; the rest (reference lists, licences,
    /// funders, assertions — most of a work's bytes) are skipped unbuilt.
    static let workFields: Set<String> = [
        "title", "author", "DOI", "container-title", "URL", "abstract", "published", "published-print",
        "published-online", "issued", "created", "link", "subject",
    ]

    public static func parse(_ bytes: some Collection<UInt8>) throws -> Page {
        var status: String?
        var failure: JSONValue?
        var message: JSONObject?
        var items: [JSONObject]?
        var total: Int64?
        var cursor: String?
        do {
            try JSONReader.read(bytes) { reader throws(JSONError) in
                guard reader.peekKind() == .object else { throw JSONError("not an object", offset: 0) }
                try reader.readObject { key, reader throws(JSONError) in
                    switch key {
                    case "status": status = try reader.readValue().stringValue
                    case "message" where reader.peekKind() == .object:
                        var work = JSONObject()
                        try reader.readObject { key, reader throws(JSONError) in
                            switch key {
                            case "items": items = try reader.readObjects(keeping: workFields)
                            case "total-results": total = try reader.readValue().intValue
                            case "next-cursor": cursor = try reader.readValue().stringValue
                            case _ where workFields.contains(key): work[key] = try reader.readValue()
                            default: try reader.skipValue()
                            }
                        }
                        message = work
                    case "message": failure = try reader.readValue()
                    default: try reader.skipValue()
                    }
                }
            }
        } catch {
            throw SourceError("CrossRef answered with something that is not a works message")
        }
        if status == "failed" {
            throw SourceError(
                "CrossRef refused the request: \(JSONWriter.string(failure ?? message.map { .object($0) } ?? .null))")
        }
        guard let message else { throw SourceError("CrossRef answered with something that is not a works message") }
        guard let items else {
            return Page(articles: [article(message)].compactMap { $0 }, total: 1, nextCursor: nil)
        }
        let articles = items.compactMap(article)
        return Page(
            articles: articles, total: Int(total ?? Int64(articles.count)), nextCursor: articles.isEmpty ? nil : cursor)
    }

    /// One work; nil when it has no title (CrossRef lists components and datasets too).
    static func article(_ work: JSONObject) -> DiscoveredArticle? {
        guard let title = work["title"]?.arrayValue?.first?.stringValue, !title.isEmpty else { return nil }
        let authors: [String] = (work["author"]?.arrayValue ?? []).compactMap { author in
            let object = author.objectValue
            let name = [object?["given"]?.stringValue, object?["family"]?.stringValue].compactMap { $0 }
                .joined(separator: " ")
            return name.isEmpty ? object?["name"]?.stringValue : name
        }
        var article = DiscoveredArticle(title: title, authors: authors, source: "crossref")
        article.doi = work["DOI"]?.stringValue?.lowercased()
        article.venue = work["container-title"]?.arrayValue?.first?.stringValue
        article.url = work["URL"]?.stringValue
        article.abstract = work["abstract"]?.stringValue.map(PlainText.strippingTags)  // JATS XML
        for key in ["published", "published-print", "published-online", "issued", "created"] {
            if let date = work[key].flatMap(Self.date) {
                article.published = date
                break
            }
        }
        article.pdfURL =
            work["link"]?.arrayValue?.first {
                $0.objectValue?["content-type"]?.stringValue == "application/pdf"
            }?.objectValue?["URL"]?.stringValue
        article.categories = work["subject"]?.arrayValue?.compactMap(\.stringValue) ?? []
        return article
    }

    /// `{"date-parts": [[2012, 3, 21]]}` → "2012-03-21" (or "2012-03", "2012").
    static func date(_ value: JSONValue) -> String? {
        guard let parts = value.objectValue?["date-parts"]?.arrayValue?.first?.arrayValue?.compactMap(\.intValue),
            let year = parts.first, (1000...9999).contains(year)
        else { return nil }
        return ([String(year)] + parts.dropFirst().prefix(2).map { $0 < 10 ? "0\($0)" : String($0) })
            .joined(separator: "-")
    }
}
