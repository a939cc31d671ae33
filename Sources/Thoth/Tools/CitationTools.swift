import Citations
import Documents
import Foundation
import JSON

/// The citation tools: a paper's references and the papers in the knowledge base citing it, the
/// knowledge base's papers as a bibliography, and references formatted in a CSL style.
enum CitationTools {
    static func all(
        _ pipeline: PaperPipeline, knowledge: KnowledgeBase, workspace: Workspace, formatter: CitationFormatter
    ) -> [Tool] {
        let graph = pipeline.citations
        return [
            Tool(
                name: "format_citations",
                description: "References formatted in a citation style (a CSL style: ieee, apa, mla, chicago, "
                    + "harvard, or any style file's name), sorted and numbered as the style says: the given "
                    + "articles, or else the knowledge base's papers (those matching search_query).",
                parameters: [
                    .list(
                        "articles",
                        "References: printed strings, CSL-JSON items, or objects with authors, title, year, venue, doi"),
                    .string("style", "The citation style (default \(formatter.defaultStyle))"),
                    .string("search_query", "Without articles: only papers with passages matching this"),
                    .integer("max_results", "Without articles: most papers", default: 10, range: 1...10_000),
                    .string("output", "text or markdown", default: "text", choices: ["text", "markdown"]),
                ]
            ) { arguments in
                let articles = arguments.list("articles")
                let references = try await Bibliography.references(
                    given: articles.isEmpty ? nil : articles, orFrom: knowledge,
                    matching: arguments.string("search_query"), limit: arguments.integer("max_results")!,
                    notePath: pipeline.notePath(forSource:))
                let style = arguments.string("style") ?? formatter.defaultStyle
                let entries = try await formatter.format(
                    references, style: style, output: .init(rawValue: arguments.string("output")!)!)
                return ToolOutput(
                    text: entries.isEmpty ? "No references to format." : entries.joined(separator: "\n"),
                    data: [
                        "style": .string(style), "count": .int(Int64(entries.count)),
                        "entries": .array(entries.map { .string($0) }),
                    ])
            },
            Tool(
                name: "export_bibliography",
                description: "The papers in the knowledge base (or those matching a search) as a bibliography: "
                    + "BibTeX, RIS, EndNote, CSL-JSON or CSV; written to exports/FILENAME in the workspace when named.",
                parameters: [
                    .string("format", "Output format", required: true, choices: Bibliography.formats),
                    .string("search_query", "Only papers with passages matching this"),
                    .integer("max_results", "Most papers", default: 100, range: 1...10_000),
                    .string("filename", "Also write it to exports/<filename> in the workspace"),
                ]
            ) { arguments in
                let references = try await Bibliography.references(
                    knowledge, matching: arguments.string("search_query"), limit: arguments.integer("max_results")!,
                    notePath: pipeline.notePath(forSource:))
                let text = Bibliography.text(references, format: arguments.string("format")!)
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
                let data = try graph.report(
                    ofNote: note, references: arguments.flag("include_outbound"),
                    citers: arguments.flag("include_inbound"))
                var lines: [String] = []
                if let entries = data["references"]?.arrayValue?.compactMap(\.objectValue) {
                    lines.append("References (\(entries.count)):")
                    lines += entries.enumerated().map { index, entry in
                        "\(index + 1). \(entry["raw"]?.stringValue ?? "")"
                            + (entry["note"]?.stringValue.map { " → \($0)" } ?? "")
                    }
                }
                if let citers = data["cited_by"]?.arrayValue?.compactMap(\.stringValue) {
                    lines.append("Cited by (\(citers.count)):" + (citers.isEmpty ? " none in the knowledge base" : ""))
                    lines += citers.map { "- \($0)" }
                }
                return ToolOutput(text: lines.joined(separator: "\n"), data: .object(data))
            },
        ]
    }
}
