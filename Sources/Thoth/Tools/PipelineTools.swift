import Documents
import Foundation
import JSON

/// The PDF tools: process one PDF or a folder of them, read a PDF's metadata, correct a
/// processed article's metadata, and delete an article with everything made from it.
public enum PipelineTools {
    static func all(_ pipeline: PaperPipeline, knowledge: KnowledgeBase, workspace: Workspace) -> [Tool] {
        [
            Tool(
                name: "sync_with_obsidian",
                description: "Bring Thoth in step with notes edited, renamed or deleted outside it (in Obsidian): "
                    + "renamed paper notes keep their paper and citation links, deleted ones are forgotten, and "
                    + "edits are indexed again.",
                parameters: []
            ) { _ in
                let report = try await pipeline.syncNotes()
                let index = report["index"]?.objectValue ?? [:]
                let count = { (key: String) in report[key]?.arrayValue?.count ?? 0 }
                return ToolOutput(
                    text: "\(count("renamed")) note(s) followed to a new name, \(count("deleted")) forgotten; "
                        + "indexed \(index["files_indexed"]?.intValue ?? 0) changed file(s), removed "
                        + "\(index["files_removed"]?.intValue ?? 0).",
                    data: .object(report))
            },
            Tool(
                name: "process_pdf",
                description: "Turn a PDF into an analysed note: extract its text (OCR for scans), analyse it, write "
                    + "the note and index note and full text. Paths are relative to the PDF folder or absolute inside the workspace.",
                parameters: [
                    .string("pdf_path", "The PDF", required: true),
                    .boolean(
                        "skip_existing", "Skip a PDF whose content was processed (or failed) before", default: true),
                ]
            ) { arguments in
                let path = try PipelineTools.resolve(arguments.string("pdf_path")!, workspace: workspace)
                let outcome = await pipeline.process(path, force: !arguments.flag("skip_existing"))
                if outcome.status == .failed { throw ToolError(outcome.message) }
                return ToolOutput(text: outcome.message, data: outcome.json)
            },
            Tool(
                name: "batch_process_pdfs",
                description: "Process the PDFs of a folder (default: the PDF folder), oldest first.",
                parameters: [
                    .string("directory_path", "The folder, relative to the workspace or absolute inside it"),
                    .integer("max_files", "Most PDFs to process", default: 10, range: 1...10_000),
                    .boolean("skip_existing", "Skip PDFs processed (or failed) before", default: true),
                ]
            ) { arguments in
                let folder =
                    try arguments.string("directory_path").map {
                        try PipelineTools.resolve($0, workspace: workspace, base: workspace.root)
                    } ?? workspace.pdfs
                let files = PipelineTools.pdfs(in: folder).prefix(arguments.integer("max_files")!)
                var outcomes: [PaperPipeline.Outcome] = []
                for file in files {
                    outcomes.append(await pipeline.process(file, force: !arguments.flag("skip_existing")))
                }
                return PipelineTools.batchOutput(outcomes)
            },
            Tool(
                name: "extract_pdf_metadata",
                description: "What a PDF says about itself (title, authors, DOI, dates, pages), without processing it.",
                parameters: [
                    .string("pdf_path", "The PDF", required: true),
                    .boolean("extract_text_preview", "Include the first 1000 characters of text", default: false),
                    .boolean("analyze_structure", "Include the section headings and the abstract", default: false),
                ]
            ) { arguments in
                let path = try PipelineTools.resolve(arguments.string("pdf_path")!, workspace: workspace)
                let document: PDFText
                do {
                    document = try await pipeline.extractText(path)
                } catch let error as PDFError {
                    throw ToolError(error.description)
                }
                let metadata = document.metadata
                var data: JSONObject = [
                    "file": .string(path), "title": metadata.title.map { .string($0) } ?? .null,
                    "authors": .array(metadata.authors.map { .string($0) }),
                    "subject": metadata.subject.map { .string($0) } ?? .null,
                    "keywords": .array(metadata.keywords.map { .string($0) }),
                    "doi": (metadata.doi ?? DOI.first(in: document.pages.prefix(2).joined(separator: "\n"))).map {
                        .string($0)
                    } ?? .null,
                    "created": metadata.created.map { .string($0) } ?? .null,
                    "modified": metadata.modified.map { .string($0) } ?? .null,
                    "producer": metadata.producer.map { .string($0) } ?? .null,
                    "pages": .int(Int64(document.pages.count)),
                    "ocr_pages": .array(document.ocrPages.map { .int(Int64($0)) }),
                ]
                if arguments.flag("extract_text_preview") {
                    data["text_preview"] = .string(String(document.plainText.prefix(1000)))
                }
                if arguments.flag("analyze_structure") {
                    let analysis = try await OfflineAnalyzer(embed: nil).analyse(document)
                    data["abstract"] = analysis.text["abstract"].map { .string($0) } ?? .null
                    data["headings"] = .array(document.headings.map { .string($0) })
                }
                let title = metadata.title ?? (path as NSString).lastPathComponent
                return ToolOutput(
                    text: "\(title): \(document.pages.count) pages"
                        + (metadata.authors.isEmpty ? "" : ", by \(metadata.authors.joined(separator: ", "))"),
                    data: .object(data))
            },
            Tool(
                name: "update_article_metadata",
                description: "Correct a processed article's title, authors, year, DOI, journal or tags: the note's "
                    + "front matter is rewritten and the article indexed again.",
                parameters: [
                    .string("article_identifier", "The note's title, file name or path", required: true),
                    .string("title", "New title"), .strings("authors", "New authors"),
                    .integer("year", "New year", range: 1000...9999), .string("doi", "New DOI"),
                    .string("journal", "New journal"), .strings("tags", "New tags"),
                ]
            ) { arguments in
                var changes: JSONObject = [:]
                for name in ["title", "doi", "journal"] {
                    if let value = arguments.string(name) { changes[name] = .string(value) }
                }
                if let year = arguments.integer("year") { changes["year"] = .int(Int64(year)) }
                for name in ["authors", "tags"] where !arguments.strings(name).isEmpty {
                    changes[name] = .array(arguments.strings(name).map { .string($0) })
                }
                guard !changes.isEmpty else {
                    throw ToolError("Nothing to change: give title, authors, year, doi, journal or tags")
                }
                let note = try await pipeline.updateMetadata(
                    try await PipelineTools.notePath(arguments.string("article_identifier")!, knowledge: knowledge),
                    changes: changes)
                return ToolOutput(
                    text: "Updated \(changes.keys.joined(separator: ", ")) of \((note as NSString).lastPathComponent)",
                    data: ["note": .string(note), "changed": .array(changes.keys.map { .string($0) })])
            },
            Tool(
                name: "delete_article",
                description: "Delete a processed article: its note, its full-text markdown, their chunks in the "
                    + "index and its ledger entry (the PDF too with delete_pdf).",
                parameters: [
                    .string("article_identifier", "The note's title, file name or path", required: true),
                    .boolean("delete_pdf", "Delete the PDF as well", default: false),
                ]
            ) { arguments in
                let removed = try await pipeline.delete(
                    try await PipelineTools.notePath(arguments.string("article_identifier")!, knowledge: knowledge),
                    deletePDF: arguments.flag("delete_pdf"))
                return ToolOutput(
                    text: "Deleted " + removed.map { ($0 as NSString).lastPathComponent }.joined(separator: ", "),
                    data: ["deleted": .array(removed.map { .string($0) })])
            },
        ]
    }

    /// The note an identifier means: a path, or an indexed article (title, file name).
    public static func notePath(_ identifier: String, knowledge: KnowledgeBase) async throws -> String {
        if identifier.hasPrefix("/"), FileManager.default.fileExists(atPath: identifier) { return identifier }
        do {
            return try await knowledge.article(matching: identifier).source
        } catch let error as ThothError {
            throw ToolError(error.message)
        }
    }

    /// A path a caller gave, resolved against `base` (the PDF folder) and kept inside the
    /// workspace: tools are reachable over HTTP and MCP, so they read no file outside it.
    public static func resolve(_ path: String, workspace: Workspace, base: String? = nil) throws -> String {
        let absolute = path.hasPrefix("/") ? path : ((base ?? workspace.pdfs) as NSString).appendingPathComponent(path)
        let resolved = URL(fileURLWithPath: absolute).standardizedFileURL.resolvingSymlinksInPath().path
        let roots = [workspace.root, workspace.pdfs, workspace.discovery].map {
            URL(fileURLWithPath: $0).standardizedFileURL.resolvingSymlinksInPath().path
        }
        guard roots.contains(where: { resolved == $0 || resolved.hasPrefix($0 + "/") }) else {
            throw ToolError("\(path) is outside the workspace; copy it into the PDF folder (\(workspace.pdfs)) first")
        }
        guard FileManager.default.fileExists(atPath: resolved) else { throw ToolError("\(path): no such file") }
        return resolved
    }

    /// The PDFs directly in `folder`, oldest first.
    public static func pdfs(in folder: String) -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        let paths = names.filter { $0.lowercased().hasSuffix(".pdf") && !$0.hasPrefix(".") }.map {
            (folder as NSString).appendingPathComponent($0)
        }
        func modified(_ path: String) -> Date {
            ((try? FileManager.default.attributesOfItem(atPath: path))?[.modificationDate] as? Date) ?? .distantPast
        }
        return paths.map { ($0, modified($0)) }.sorted { ($0.1, $0.0) < ($1.1, $1.0) }.map(\.0)
    }

    public static func batchOutput(_ outcomes: [PaperPipeline.Outcome]) -> ToolOutput {
        func count(_ status: PaperPipeline.Outcome.Status) -> Int { outcomes.filter { $0.status == status }.count }
        let text =
            "\(count(.processed)) processed, \(count(.skipped)) skipped, \(count(.failed)) failed"
            + outcomes.map { "\n- \(($0.file as NSString).lastPathComponent): \($0.status.rawValue): \($0.message)" }
            .joined()
        return ToolOutput(
            text: text,
            data: [
                "processed": .int(Int64(count(.processed))), "skipped": .int(Int64(count(.skipped))),
                "failed": .int(Int64(count(.failed))), "results": .array(outcomes.map(\.json)),
            ])
    }
}
