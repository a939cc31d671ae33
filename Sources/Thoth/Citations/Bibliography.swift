import Citations
import Foundation
import JSON

/// The knowledge base's papers as a bibliography (`export_bibliography`, `/citations/export`):
/// each paper once, described by its note's front matter.
public enum Bibliography {
    public static let formats = ["bibtex", "ris", "endnote", "json", "csv"]

    /// The papers (optionally those with passages matching `query`), as references. A processed
    /// paper's note and full text are one paper (`notePath` maps a file to its note).
    public static func references(
        _ knowledge: KnowledgeBase, matching query: String?, limit: Int, notePath: (String) -> String
    ) async throws -> [Reference] {
        var articles = try await knowledge.articles().filter { !$0.title.isEmpty }
        if let query, !query.isEmpty {
            let sources = Set(try await knowledge.search(query, k: 50).map(\.source))
            articles = articles.filter { sources.contains($0.source) }
        }
        var seen = Set<String>()
        articles = articles.filter { seen.insert(notePath($0.source)).inserted }
        return articles.prefix(max(1, limit)).map(reference)
    }

    /// The papers the passages come from, once each, in order of first use.
    public static func references(of passages: [Passage], in knowledge: KnowledgeBase, notePath: (String) -> String)
        async throws -> [Reference]
    {
        let articles = Dictionary(
            try await knowledge.articles().map { (notePath($0.source), $0) }, uniquingKeysWith: { first, _ in first })
        var seen = Set<String>()
        return passages.compactMap { passage in
            let note = notePath(passage.source)
            guard seen.insert(note).inserted, let article = articles[note] ?? articles[passage.source] else {
                return nil
            }
            return reference(article)
        }
    }

    /// The references to format: those a client gave (`items`), else the knowledge base's papers
    /// (those with passages matching `query`, at most `limit`).
    public static func references(
        given items: [JSONValue]?, orFrom knowledge: KnowledgeBase, matching query: String?, limit: Int,
        notePath: (String) -> String
    ) async throws -> [Reference] {
        if let items { return references(given: items) }
        return try await references(knowledge, matching: query, limit: limit, notePath: notePath)
    }

    /// References given by a client: a string is one printed reference (parsed), an object a
    /// CSL-JSON item or a reference's own fields (`authors`, `title`, `year`, `venue`, `doi`, …).
    public static func references(given items: [JSONValue]) -> [Reference] {
        items.compactMap { item in
            if let text = item.stringValue { return ReferenceParser.parse(text) }
            guard let object = item.objectValue else { return nil }
            return CSLJSON.isItem(object) ? CSLJSON.references(item).first : Reference(json: object)
        }
    }

    /// A plain author–year line ("Family, G., & Other, H. (2020). Title. Venue. https://doi.org/…"),
    /// for lists inside generated text; styled output is a CSL processor's job.
    public static func plainLine(_ reference: Reference) -> String {
        var line = reference.authors.isEmpty ? "" : reference.authors.prefix(6).joined(separator: ", ")
        if reference.authors.count > 6 { line += ", et al." }
        line += (line.isEmpty ? "" : " ") + "(\(reference.year.map(String.init) ?? "n.d.")). "
        line += (reference.title ?? "Untitled") + "."
        if let venue = reference.venue { line += " \(venue)." }
        if let doi = reference.doi { line += " https://doi.org/\(doi)" }
        return line
    }

    /// A knowledge-base article as a reference: its title and its front matter's fields.
    static func reference(_ article: Article) -> Reference {
        var reference = Reference(raw: article.title)
        reference.title = article.title
        let field = { (key: String) in article.bibliographic[key]?.stringValue.flatMap { $0.isEmpty ? nil : $0 } }
        reference.authors = field("authors")?.components(separatedBy: ", ").filter { !$0.isEmpty } ?? []
        reference.year = article.bibliographic["year"]?.intValue.map { Int($0) }
        reference.doi = field("doi")
        reference.venue = field("journal")
        return reference
    }

    /// `references` in one of `formats` (`json` is CSL-JSON).
    public static func text(_ references: [Reference], format: String) -> String {
        switch format {
        case "ris": return RIS.export(references)
        case "endnote": return RIS.endNote(references)
        case "json": return JSONWriter.string(CSLJSON.export(references)) + "\n"
        case "csv":
            return
                (["title,authors,year,journal,doi"]
                + references.map { reference in
                    [
                        reference.title ?? "", reference.authors.joined(separator: "; "),
                        reference.year.map(String.init) ?? "", reference.venue ?? "", reference.doi ?? "",
                    ].map(KnowledgeTools.csvField).joined(separator: ",")
                }).joined(separator: "\n") + "\n"
        default: return BibTeX.export(references)
        }
    }
}
