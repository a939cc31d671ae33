import Foundation
import JSON

/// Reads the bioRxiv/medRxiv API's `/details` answers: `messages[0]` says how many posts the
/// interval holds and where this page starts; `collection` lists them, one entry per version.
public enum BiorxivDetails {
    public struct Page: Sendable {
        public var articles: [DiscoveredArticle]
        /// Posts in the whole interval.
        public var total: Int
        /// Entries on this page (versions included), which the next cursor moves past.
        public var count: Int
    }

    public static func parse(_ bytes: some Collection<UInt8>, server: String = "biorxiv") throws -> Page {
        guard let root = try? JSONReader.parse(bytes).objectValue, let messages = root["messages"]?.arrayValue,
            let message = messages.first?.objectValue
        else { throw SourceError("\(server) answered with something that is not a details message") }
        let status = message["status"]?.stringValue ?? ""
        guard case .array(let collection)? = root["collection"], status == "ok" else {
            if status.hasPrefix("no posts found") { return Page(articles: [], total: 0, count: 0) }
            throw SourceError("\(server) refused the request: \(status.isEmpty ? "no status" : status)")
        }
        // Each version is an entry: keep the newest of each DOI.
        var byDOI: [String: (version: Int, article: DiscoveredArticle)] = [:]
        var order: [String] = []
        for entry in collection {
            guard let object = entry.objectValue, let article = article(object, server: server),
                let doi = article.doi
            else { continue }
            let version = Int(object["version"]?.stringValue ?? "") ?? 1
            if let kept = byDOI[doi], kept.version >= version { continue }
            if byDOI[doi] == nil { order.append(doi) }
            byDOI[doi] = (version, article)
        }
        return Page(
            articles: order.compactMap { byDOI[$0]?.article }, total: count(message["total"]) ?? collection.count,
            count: count(message["count"]) ?? collection.count)
    }

    static func article(_ post: JSONObject, server: String) -> DiscoveredArticle? {
        guard let title = post["title"]?.stringValue, !title.isEmpty, let doi = post["doi"]?.stringValue else {
            return nil
        }
        let authors = (post["authors"]?.stringValue ?? "").split(separator: ";")
            .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        let host = server.lowercased() == "medrxiv" ? "www.medrxiv.org" : "www.biorxiv.org"
        let version = post["version"]?.stringValue ?? "1"
        var article = DiscoveredArticle(title: title, authors: authors, source: server.lowercased())
        article.doi = doi.lowercased()
        article.abstract = post["abstract"]?.stringValue
        article.published = post["date"]?.stringValue
        article.venue = server.lowercased() == "medrxiv" ? "medRxiv" : "bioRxiv"
        article.url = "https://\(host)/content/\(doi)v\(version)"
        article.pdfURL = "https://\(host)/content/\(doi)v\(version).full.pdf"
        article.categories = post["category"]?.stringValue.map { [$0] } ?? []
        return article
    }

    /// bioRxiv sends counts as numbers or as strings.
    static func count(_ value: JSONValue?) -> Int? {
        value?.intValue.map { Int($0) } ?? value?.stringValue.flatMap { Int($0) }
    }
}
