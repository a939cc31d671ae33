import Foundation
import JSON

/// The article tools: the knowledge base seen as articles (indexed notes and papers).
enum KnowledgeTools {
    static func all(
        _ knowledge: KnowledgeBase, assistant: ResearchAssistant, workspace: Workspace, pipeline: PaperPipeline
    ) -> [Tool] {
        [
            Tool(
                name: "search_articles",
                description: "Search the knowledge base (notes and papers) for passages about a query. Returns the "
                    + "most similar passages with a similarity score (higher is better) and their sources.",
                parameters: [
                    .string("query", "What to look for", required: true),
                    .string("document_type", "Only notes or only articles (papers)", choices: ["note", "article"]),
                    .integer("limit", "How many passages", default: 10, range: 1...100),
                    .number("min_score", "Leave out passages less similar than this", default: 0, range: -1...1),
                    .string("author", "Only papers with an author whose name contains this"),
                    .string("journal", "Only papers from a journal whose name contains this"),
                    .strings("tags", "Only papers with all these tags"),
                    .integer("year_from", "Only papers from this year on", range: 0...9999),
                    .integer("year_to", "Only papers up to this year", range: 0...9999),
                    .string("source", "Only files whose path contains this"),
                    .string(
                        "mode",
                        "hybrid (words and meaning, fused), dense (meaning) or words (BM25); default: the "
                            + "configured THOTH_RAG_SEARCH_MODE", choices: Retrieval.Mode.allCases.map(\.rawValue)),
                ]
            ) { arguments in
                let papers = PaperFilter(
                    author: arguments.string("author"), journal: arguments.string("journal"),
                    tags: arguments.strings("tags"), yearFrom: arguments.integer("year_from"),
                    yearTo: arguments.integer("year_to"), source: arguments.string("source"))
                let passages = try await knowledge.search(
                    arguments.string("query")!, k: arguments.integer("limit"),
                    documentType: arguments.string("document_type"), papers: papers,
                    mode: arguments.string("mode").flatMap(Retrieval.Mode.init(rawValue:))
                ).filter { $0.score >= arguments.number("min_score") ?? 0 }
                let text =
                    passages.isEmpty
                    ? "No passages found."
                    : passages.enumerated().map { index, passage in
                        "\(index + 1). \(passage.citation) (\(passage.documentType), score \(String(format: "%.3f", passage.score)))\n"
                            + passage.content
                    }.joined(separator: "\n\n")
                return ToolOutput(text: text, data: .array(passages.map(\.json)))
            },
            Tool(
                name: "list_articles",
                description: "List the indexed articles and notes, by title.",
                parameters: [
                    .integer("limit", "How many", default: 10, range: 1...1000),
                    .integer("offset", "How many to skip", default: 0, range: 0...1_000_000),
                    .string("filter_by_type", "Only notes or only articles", choices: ["note", "article"]),
                    .string("search_term", "Only titles or file names containing this"),
                ]
            ) { arguments in
                var articles = try await knowledge.articles()
                if let type = arguments.string("filter_by_type") {
                    articles = articles.filter { $0.documentType == type }
                }
                if let term = arguments.string("search_term")?.lowercased(), !term.isEmpty {
                    articles = articles.filter {
                        $0.title.lowercased().contains(term) || $0.filename.lowercased().contains(term)
                    }
                }
                let total = articles.count
                let page = Array(articles.dropFirst(arguments.integer("offset")!).prefix(arguments.integer("limit")!))
                let text =
                    "\(total) article(s)" + (page.isEmpty ? "." : ":\n")
                    + page.map { "- \($0.title) [\($0.documentType)] \($0.filename)" }.joined(separator: "\n")
                return ToolOutput(
                    text: text, data: ["total": .int(Int64(total)), "articles": .array(page.map(\.json))])
            },
            Tool(
                name: "get_article_details",
                description: "The full indexed text and metadata of one article, named by title, file name or path.",
                parameters: [.string("article_identifier", "Title, file name or path", required: true)]
            ) { arguments in
                let article = try await knowledge.article(matching: arguments.string("article_identifier")!)
                let chunks = try await knowledge.chunks(of: article)
                let text =
                    "# \(article.title)\n\nSource: \(article.source)\nType: \(article.documentType)\n\n"
                    + chunks.joined(separator: "\n\n[…]\n\n")
                guard case .object(var data) = article.json else { return ToolOutput(text: text, data: article.json) }
                data["chunks_text"] = .array(chunks.map { .string($0) })
                return ToolOutput(text: text, data: .object(data))
            },
            Tool(
                name: "collection_stats",
                description: "What the knowledge base holds: chunk count, embedding model, chunking settings.",
                parameters: []
            ) { _ in
                let stats = try await knowledge.stats()
                let articles = try await knowledge.articles()
                var data = stats
                data["article_count"] = .int(Int64(articles.count))
                return ToolOutput(.object(data))
            },
            Tool(
                name: "reindex_collection",
                description: "Index the notes and markdown folders again. Only changed files are re-embedded "
                    + "unless clear_existing is true.",
                parameters: [.boolean("clear_existing", "Re-embed every file", default: false)]
            ) { arguments in
                ToolOutput(try await knowledge.index(force: arguments.flag("clear_existing")).json)
            },
            Tool(
                name: "find_related_papers",
                description: "Articles related to a given article: by content (vector similarity) and by "
                    + "citations (it cites them, they cite it, co-citation, shared references); each says which.",
                parameters: [
                    .string("paper_identifier", "Title, file name or path of the article", required: true),
                    .integer("max_results", "How many related articles", default: 5, range: 1...50),
                    .number(
                        "similarity_threshold", "Leave out articles less similar than this", default: 0.1, range: -1...1
                    ),
                    .boolean(
                        "explain_connections", "Quote the passage of each that is closest to the article",
                        default: false),
                ]
            ) { arguments in
                let article = try await knowledge.article(matching: arguments.string("paper_identifier")!)
                let text = try await knowledge.chunks(of: article).first ?? article.title
                // A processed paper is its note and its full text: both count as the note.
                let own = pipeline.notePath(forSource: article.source)
                var best: [String: Passage] = [:]
                for passage in try await knowledge.related(to: text, excluding: article.source, k: 50)
                where passage.score >= arguments.number("similarity_threshold")! {
                    let source = pipeline.notePath(forSource: passage.source)
                    guard source != own else { continue }
                    if best[source].map({ $0.score < passage.score }) ?? true { best[source] = passage }
                }
                // Citation ties are between notes; a tied note found by similarity is one entry.
                let notes = workspace.notes
                let ties = (try? pipeline.citations.ties(ofNote: pipeline.noteName(forSource: article.source))) ?? []
                var tieBySource: [String: CitationGraph.Tie] = [:]
                for tie in ties { tieBySource[(notes as NSString).appendingPathComponent(tie.note + ".md")] = tie }
                let titles = Dictionary(
                    try await knowledge.articles().map { ($0.source, $0.title) },
                    uniquingKeysWith: { first, _ in first })
                let sources = Set(best.keys).union(tieBySource.keys)
                let ranked = sources.sorted { a, b in
                    let (ta, tb) = (tieBySource[a]?.strength ?? 0, tieBySource[b]?.strength ?? 0)
                    let (sa, sb) = (best[a]?.score ?? -1, best[b]?.score ?? -1)
                    return ta != tb ? ta > tb : sa > sb
                }.prefix(arguments.integer("max_results")!)
                var lines: [String] = []
                var data: [JSONValue] = []
                for source in ranked {
                    let title = best[source]?.title ?? titles[source] ?? PaperPipeline.noteName(source)
                    let tie = tieBySource[source]
                    let foundBy =
                        tie == nil ? "similarity" : best[source] == nil ? "citations" : "similarity and citations"
                    var line = "- \(title)"
                    if let score = best[source]?.score { line += " (similarity \(String(format: "%.3f", score)))" }
                    if let tie { line += " — \(tie.description)" }
                    var entry: JSONObject = [
                        "title": .string(title), "source": .string(source),
                        "score": best[source].map { .double($0.score) } ?? .null, "found_by": .string(foundBy),
                        "citation": tie.map { .string($0.description) } ?? .null,
                    ]
                    if arguments.flag("explain_connections"), let passage = best[source] {
                        let quote = String(passage.content.prefix(300))
                        line += "\n  closest passage (\(passage.citation)): \"\(quote)\""
                        entry["connection"] = .string(quote)
                    }
                    lines.append(line)
                    data.append(.object(entry))
                }
                return ToolOutput(
                    text: ranked.isEmpty
                        ? "No related articles above the threshold."
                        : "Related to \(article.title):\n" + lines.joined(separator: "\n"),
                    data: .array(data))
            },
            Tool(
                name: "analyze_topic",
                description: "Analyse a research topic from the knowledge base: the relevant passages, summarised "
                    + "by the language model (or quoted when none is configured).",
                parameters: [
                    .string("topic", "The topic", required: true),
                    .string(
                        "depth", "How many passages to read", default: "medium", choices: ["quick", "medium", "deep"]),
                    .integer("max_papers", "Most passages to use", default: 10, range: 1...50),
                ]
            ) { arguments in
                let k = min(
                    arguments.integer("max_papers")!,
                    ["quick": 3, "medium": 8, "deep": 20][arguments.string("depth")!]!)
                let answer = try await assistant.ask(
                    "Analyse the research topic \"\(arguments.string("topic")!)\": the main ideas, methods, findings "
                        + "and open questions in these sources.", k: k)
                return ToolOutput(text: answer.text, data: answerData(answer))
            },
            Tool(
                name: "generate_research_summary",
                description: "A written summary of what the knowledge base says about a topic or question.",
                parameters: [
                    .string("topic_or_query", "The topic or question", required: true),
                    .string(
                        "summary_type", "What to focus on", default: "overview",
                        choices: ["overview", "methodology", "findings", "gaps", "comprehensive"]),
                    .integer("max_papers", "Most passages to use", default: 15, range: 1...50),
                    .boolean("include_citations", "End with the list of the papers it draws on", default: true),
                ]
            ) { arguments in
                let answer = try await assistant.ask(
                    "Write a \(arguments.string("summary_type")!) research summary of \"\(arguments.string("topic_or_query")!)\" "
                        + "from these sources, citing them.", k: arguments.integer("max_papers"))
                guard arguments.flag("include_citations") else {
                    return ToolOutput(text: answer.text, data: answerData(answer))
                }
                let cited = try await Bibliography.references(
                    of: answer.passages, in: knowledge, notePath: pipeline.notePath(forSource:))
                var data = answerData(answer).objectValue ?? [:]
                data["citations"] = .array(cited.map { .string(Bibliography.plainLine($0)) })
                let list =
                    cited.isEmpty
                    ? "" : "\n\nReferences\n" + cited.map { "- " + Bibliography.plainLine($0) }.joined(separator: "\n")
                return ToolOutput(text: answer.text + list, data: .object(data))
            },
            Tool(
                name: "export_article_data",
                description:
                    "Export the indexed articles (optionally those matching a search) as JSON, CSV, markdown, XML or "
                    + "YAML, with their bibliographic fields and, when asked, their text.",
                parameters: [
                    .string(
                        "format", "Output format", required: true, choices: ["json", "csv", "markdown", "xml", "yaml"]),
                    .string("search_query", "Only articles with passages matching this"),
                    .integer("max_articles", "Most articles", default: 100, range: 1...10_000),
                    .boolean("include_content", "Include each article's indexed text", default: false),
                    .boolean("include_metadata", "Include authors, year, DOI, journal and tags", default: true),
                ]
            ) { arguments in
                var articles = try await knowledge.articles()
                if let query = arguments.string("search_query"), !query.isEmpty {
                    let sources = Set(try await knowledge.search(query, k: 50).map(\.source))
                    articles = articles.filter { sources.contains($0.source) }
                }
                articles = Array(articles.prefix(arguments.integer("max_articles")!))
                var records: [JSONObject] = []
                for article in articles {
                    var record: JSONObject = [
                        "title": .string(article.title), "document_type": .string(article.documentType),
                        "filename": .string(article.filename), "source": .string(article.source),
                        "chunks": .int(Int64(article.chunks)),
                    ]
                    if arguments.flag("include_metadata") {
                        for (key, value) in article.bibliographic { record[key] = value }
                    }
                    if arguments.flag("include_content") {
                        record["content"] = .string(try await knowledge.chunks(of: article).joined(separator: "\n\n"))
                    }
                    records.append(record)
                }
                let text = ArticleExport.text(records, format: arguments.string("format")!)
                return ToolOutput(
                    text: text,
                    data: [
                        "format": .string(arguments.string("format")!), "count": .int(Int64(articles.count)),
                        "content": .string(text),
                    ])
            },
            Tool(
                name: "backup_collection",
                description: "Write the knowledge base's records (text and metadata, optionally embeddings) to a "
                    + "JSON-lines file under the workspace's knowledge/backups folder (embeddings are "
                    + "recomputed on re-indexing, so they are not written).",
                parameters: [
                    .string("backup_path", "File name inside knowledge/backups (default: a timestamped name)")
                ]
            ) { arguments in
                let folder = (workspace.knowledge as NSString).appendingPathComponent("backups")
                let stamp = ISOTime.utc(Date()).replacingOccurrences(of: ":", with: "-")
                let name = arguments.string("backup_path") ?? "\(knowledge.settings.collection)-\(stamp).jsonl"
                guard !name.contains("/"), !name.hasPrefix("."), !name.isEmpty else {
                    throw ToolError("backup_path must be a plain file name; backups are written to \(folder)")
                }
                let path = (folder as NSString).appendingPathComponent(name)
                let count = try await knowledge.exportRecords(to: path)
                return ToolOutput(
                    text: "Wrote \(count) records to \(path)",
                    data: ["path": .string(path), "records": .int(Int64(count))])
            },
        ]
    }

    static func answerData(_ answer: ResearchAssistant.Answer) -> JSONValue {
        ["answer": .string(answer.text), "model": .string(answer.model), "sources": answer.sourcesJSON]
    }

    static func csvField(_ text: String) -> String {
        text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" })
            ? "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : text
    }
}
