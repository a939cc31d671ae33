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
