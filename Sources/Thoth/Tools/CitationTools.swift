import Citations
import Documents
import Foundation
import JSON

/// The citation tools: a paper's references and the papers in the knowledge base citing it, and
/// the knowledge base's papers as a bibliography.
enum CitationTools {
    static let exportFormats = ["bibtex", "ris", "endnote", "json", "csv"]

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

    static func bibliography(_ references: [Reference], format: String) -> String {
        switch format {
        case "ris": return RIS.export(references)
        case "endnote": return RIS.endNote(references)
        case "json": return JSONWriter.string(CSLJSON.export(references))
        case "csv":
            return
                (["title,authors,year,journal,doi"]
                + references.map { reference in
                    [
                        reference.title ?? "", reference.authors.joined(separator: "; "),
                        reference.year.map(String.init) ?? "",
                        reference.venue ?? "", reference.doi ?? "",
                    ].map(KnowledgeTools.csvField).joined(separator: ",")
                }).joined(separator: "\n") + "\n"
        default: return BibTeX.export(references)
        }
    }

    static func all(_ pipeline: PaperPipeline, knowledge: KnowledgeBase, workspace: Workspace) -> [Tool] {
        let graph = pipeline.citations
        return [
            Tool(
                name: "export_bibliography",
                description: "The papers in the knowledge base (or those matching a search) as a bibliography: "
                    + "BibTeX, RIS, EndNote, CSL-JSON or CSV; written to exports/FILENAME in the workspace when named.",
                parameters: [
                    .string("format", "Output format", required: true, choices: exportFormats),
                    .string("search_query", "Only papers with passages matching this"),
                    .integer("max_results", "Most papers", default: 100, range: 1...10_000),
                    .string("filename", "Also write it to exports/<filename> in the workspace"),
                ]
            ) { arguments in
                var articles = try await knowledge.articles().filter { !$0.title.isEmpty }
                if let query = arguments.string("search_query"), !query.isEmpty {
                    let sources = Set(try await knowledge.search(query, k: 50).map(\.source))
                    articles = articles.filter { sources.contains($0.source) }
                }
                let references = articles.prefix(arguments.integer("max_results")!).map(reference)
                let text = bibliography(Array(references), format: arguments.string("format")!)
                var data: JSONObject = ["count": .int(Int64(references.count)), "content": .string(text)]
                if let name = arguments.string("filename") {
                    let cleaned = FileName.cleaned(name)
                    guard !cleaned.isEmpty else { throw ToolError("'\(name)' is not a usable file name") }
                    let folder = (workspace.root as NSString).appendingPathComponent("exports")
                    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
                    let path = (folder as NSString).appendingPathComponent(cleaned)
                    try Data(text.utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
                    data["path"] = .string(path)
                }
                return ToolOutput(text: text, data: .object(data))
            },
            Tool(
                name: "extract_citations",
                description: "A processed paper's reference list (each entry linked to the note of the cited "
                    + "paper when it is in the knowledge base) and the papers in the knowledge base that cite it.",
                parameters: [
                    .string("article_identifier", "The paper: its title, DOI or note", required: true),
                    .boolean("include_outbound", "List the papers it cites", default: true),
                    .boolean("include_inbound", "List the papers citing it", default: true),
                ]
            ) { arguments in
                let path = try await PipelineTools.notePath(
                    arguments.string("article_identifier")!, knowledge: knowledge)
                let note = pipeline.noteName(forSource: path)
                var data: JSONObject = ["note": .string(note)]
                var lines: [String] = []
                if arguments.flag("include_outbound") {
                    let entries = try graph.entries(ofNote: note)
                    data["references"] = .array(
                        entries.map { ["raw": .string($0.raw), "note": $0.note.map { .string($0) } ?? .null] })
                    lines.append("References (\(entries.count)):")
                    lines += entries.enumerated().map { "\($0 + 1). \($1.raw)" + ($1.note.map { " → \($0)" } ?? "") }
                }
                if arguments.flag("include_inbound") {
                    let citers = try graph.citers(ofNote: note)
                    data["cited_by"] = .array(citers.map { .string($0) })
                    lines.append("Cited by (\(citers.count)):" + (citers.isEmpty ? " none in the knowledge base" : ""))
                    lines += citers.map { "- \($0)" }
                }
                return ToolOutput(text: lines.joined(separator: "\n"), data: .object(data))
            },
        ]
    }
}
