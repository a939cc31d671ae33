import Citations
import Crypto
import Documents
import Foundation
import JSON
import LLM

/// A PDF becomes an analysed note in the knowledge base: its text extracted (OCR where a page
/// has none), analysed (by the chat model when one is configured, else offline), an Obsidian
/// note rendered from the user's template, the PDF renamed after the title, the full text kept
/// as markdown, both indexed with their pages, and the ledger updated. One paper at a time;
/// a failure at any step removes what this run wrote, so no note or chunk is half made.
public actor PaperPipeline {
    public struct Outcome: Sendable {
        public enum Status: String, Sendable { case processed, skipped, failed }
        public var status: Status
        public var file: String
        public var message: String
        public var entry: ProcessedLedger.Entry?
        public var ocrPages: [Int] = []
        public var seconds = 0.0

        public var json: JSONValue {
            var object: JSONObject = [
                "status": .string(status.rawValue), "file": .string(file), "message": .string(message),
                "seconds": .double((seconds * 1000).rounded() / 1000),
            ]
            if let entry {
                object["hash"] = .string(entry.hash)
                object["title"] = entry.title.map { .string($0) } ?? .null
                object["note"] = entry.notePath.map { .string($0) } ?? .null
                object["markdown"] = entry.markdownPath.map { .string($0) } ?? .null
                object["pdf"] = entry.pdfPath.map { .string($0) } ?? .null
                object["pages"] = .int(Int64(entry.pages))
                object["analysis"] = entry.analysis.map { .string($0) } ?? .null
                if let error = entry.error { object["error"] = .string(error) }
            }
            if !ocrPages.isEmpty { object["ocr_pages"] = .array(ocrPages.map { .int(Int64($0)) }) }
            return .object(object)
        }
    }

    /// A step of one paper's run, for progress bars and `/ws/progress`.
    public typealias Progress = @Sendable (_ fraction: Double, _ step: String) -> Void

    public let workspace: Workspace
    public let ledger: ProcessedLedger
    let knowledge: KnowledgeBase
    let extractor: PDFTextExtractor
    let chatModel: @Sendable () -> (any ChatModel)?
    let embed: OfflineAnalyzer.Embed?
    /// Who cites whom; each note's references section links to the notes of cited papers.
    public nonisolated let citations: CitationGraph
    let linkFormat: ReferencesSection.LinkFormat
    /// Runs going on, by file.
    private var inFlight: [String: Task<Outcome, Never>] = [:]

    public init(
        configuration: ThothConfiguration, knowledge: KnowledgeBase, ledger: ProcessedLedger,
        citations: CitationGraph, chatModel: @escaping @Sendable () -> (any ChatModel)?,
        embed: OfflineAnalyzer.Embed?
    ) {
        workspace = configuration.workspace
        self.ledger = ledger
        self.citations = citations
        linkFormat = configuration.citationLinkFormat
        self.knowledge = knowledge
        self.chatModel = chatModel
        self.embed = embed
        extractor = Self.extractor(configuration)
    }

    /// The PDF reader the configuration sets up: its time, memory and size limits, and OCR
    /// for pages without text unless `ocr` is false.
    public static func extractor(_ configuration: ThothConfiguration, ocr: Bool = true) -> PDFTextExtractor {
        let limits = ChildProcess.Limits(
            wallSeconds: configuration.pdfTimeoutSeconds, memoryBytes: configuration.pdfMemoryBytes)
        return PDFTextExtractor(
            settings: .init(
                limits: limits, maxFileBytes: configuration.pdfMaxBytes,
                ocr: ocr ? Self.ocr(configuration, limits) : nil))
    }

    /// OCR engines in order: Mistral's service when `API_MISTRAL_KEY` is set, local Tesseract
    /// when installed (and as the fallback when the service cannot be reached).
    public static func ocr(_ configuration: ThothConfiguration, _ limits: ChildProcess.Limits) -> OCRChain? {
        guard configuration.ocrEnabled else { return nil }
        var engines: [any PageOCR] = []
        let environment = configuration.providerEnvironment
        if let key = environment["API_MISTRAL_KEY"], !key.isEmpty {
            let base =
                environment["THOTH_MISTRAL_BASE_URL"].flatMap(URL.init(string:))
                ?? URL(string: "https://api.mistral.ai/v1")!
            engines.append(MistralOCR(apiKey: key, baseURL: base, timeout: configuration.pdfTimeoutSeconds))
        }
        if TesseractOCR.isAvailable {
            engines.append(TesseractOCR(language: configuration.ocrLanguage, limits: limits))
        }
        return engines.isEmpty ? nil : OCRChain(engines)
    }

    /// The note template's path (created from the default when first used).
    public nonisolated var templatePath: String {
        (workspace.templates as NSString).appendingPathComponent("paper_note.md")
    }

    /// What `/health` reports: whether PDFs can be read and scans OCR'd.
    public nonisolated var status: JSONObject {
        [
            "status": .string(PDFTextExtractor.isAvailable ? "healthy" : "unavailable"),
            "extractor": .string(PDFTextExtractor.isAvailable ? "poppler" : "missing (apt-get install poppler-utils)"),
            "ocr": .string(extractor.settings.ocr?.name ?? (TesseractOCR.isAvailable ? "off" : "unavailable")),
            "template": .string(templatePath),
        ]
    }

    /// Processes one PDF. Already processed (same bytes) is skipped unless `force`; a PDF that
    /// failed before is tried again only with `force`. A file already being processed (the
    /// watcher and an upload may both see it) is not read twice: the second caller gets the
    /// first run's outcome.
    public func process(_ file: String, force: Bool = false, progress: @escaping Progress = { _, _ in }) async
        -> Outcome
    {
        let path = URL(fileURLWithPath: file).standardizedFileURL.path
        if let running = inFlight[path] { return await running.value }
        let run = Task {
            let started = Date()
            var outcome = await self.run(path, force: force, progress: progress)
            outcome.seconds = Date().timeIntervalSince(started)
            return outcome
        }
        inFlight[path] = run
        defer { inFlight[path] = nil }
        return await run.value
    }

    private func run(_ path: String, force: Bool, progress: Progress) async -> Outcome {
        let hash: String
        do {
            hash = try await Self.sha256(of: path)
        } catch {
            return Outcome(status: .failed, file: path, message: "\(path): the file cannot be read", entry: nil)
        }
        let previous = try? ledger.entry(hash: hash)
        if let previous, !force {
            switch previous.status {
            case .processed:
                return Outcome(
                    status: .skipped, file: path,
                    message: "Already processed as \(previous.notePath ?? "?") (same content); use force to redo it",
                    entry: previous)
            case .failed:
                return Outcome(
                    status: .skipped, file: path,
                    message: "Failed before (\(previous.error ?? "unknown error")); use force to try again",
                    entry: previous)
            }
        }
        var written = WrittenFiles()
        do {
            progress(0.05, "extracting text")
            let document = try await extractor.extract(path)
            progress(0.4, "analysing")
            let (analysis, model) = await analyse(document, path: path)
            progress(0.6, "writing the note")
            let references =
                ReferenceList.section(in: document.markdown).map(ReferenceList.entries)?
                .map(ReferenceParser.parse) ?? []
            let entry = try write(
                document, analysis: analysis, model: model, source: path, hash: hash, previous: previous,
                references: references, written: &written)
            progress(0.75, "indexing")
            let report = try await knowledge.index(files: [entry.markdownPath!, entry.notePath!])
            if let error = report.errors.first { throw ThothError(.unavailable, "Indexing failed: \(error)") }
            try ledger.record(entry)
            // Recorded last, once the paper is in: notes that cite it gain their link to it.
            let citers = try citations.record(
                CitationGraph.Paper(doi: analysis.doi, title: analysis.title, year: analysis.year),
                note: Self.noteName(entry.notePath!), references: references)
            await relink(citers)
            progress(1, "done")
            var outcome = Outcome(
                status: .processed, file: path,
                message:
                    "Processed \(document.metadata.pages) pages into \((entry.notePath! as NSString).lastPathComponent)",
                entry: entry)
            outcome.ocrPages = document.ocrPages
            return outcome
        } catch {
            await written.rollBack(knowledge: knowledge)
            let message = (error as? PDFError)?.description ?? "\(path): \(error)"
            let entry = ProcessedLedger.Entry(
                hash: hash, status: .failed, sourcePath: path, pdfPath: nil, notePath: nil, markdownPath: nil,
                title: nil, analysis: nil, error: message, pages: 0, updatedAt: Date())
            // A failed redo leaves the earlier note (restored above) and its ledger entry as they were.
            if previous?.status != .processed { try? ledger.record(entry) }
            return Outcome(
                status: .failed, file: path, message: message, entry: previous?.status == .processed ? previous : entry)
        }
    }

    /// The chat model's analysis when one is configured and answers well; else the offline one,
    /// with bibliographic gaps filled from the file's metadata either way.
    private func analyse(_ document: PDFText, path: String) async -> (PaperAnalysis, String?) {
        var analysis: PaperAnalysis
        var model: String?
        if let chat = chatModel() {
            do {
                analysis = try await LLMAnalyzer(model: chat).analyse(document)
                model = chat.model
            } catch {
                analysis = await offline(document)
                analysis.sources["llm_error"] = "\(error)"
            }
        } else {
            analysis = await offline(document)
        }
        if analysis.title.isEmpty {
            analysis.title = ((path as NSString).lastPathComponent as NSString).deletingPathExtension
            analysis.sources["title"] = "file name"
        }
        if analysis.doi == nil, let doi = document.metadata.doi ?? DOI.first(in: document.pages.prefix(2).joined()) {
            analysis.doi = doi
            analysis.sources["doi"] = "text"
        }
        if analysis.authors.isEmpty, !document.metadata.authors.isEmpty {
            analysis.authors = document.metadata.authors
            analysis.sources["authors"] = "metadata"
        }
        return (analysis, model)
    }

    private func offline(_ document: PDFText) async -> PaperAnalysis {
        do {
            return try await OfflineAnalyzer(embed: embed).analyse(document)
        } catch {
            // The embedding model failing costs the key points their ranking, not the note.
            return (try? await OfflineAnalyzer(embed: nil).analyse(document)) ?? PaperAnalysis()
        }
    }

    /// Writes the full text, the note and the renamed PDF; returns the ledger entry they make.
    private func write(
        _ document: PDFText, analysis: PaperAnalysis, model: String?, source: String, hash: String,
        previous: ProcessedLedger.Entry?, references: [Reference], written: inout WrittenFiles
    ) throws -> ProcessedLedger.Entry {
        let fileManager = FileManager.default
        let base =
            FileName.cleaned(analysis.title).isEmpty
            ? ((source as NSString).lastPathComponent as NSString).deletingPathExtension
            : FileName.cleaned(analysis.title)
        func free(_ name: String, _ ext: String, in folder: String, reusing: String?) throws -> String {
            if let reusing, (reusing as NSString).deletingLastPathComponent == folder { return reusing }
            return FileName.free(name, extension: ext, in: folder) { path in
                !fileManager.fileExists(atPath: path) && (try? ledger.owner(of: path)) == nil
            }
        }
        let markdownPath = try free(base + "_markdown", ".md", in: workspace.markdown, reusing: previous?.markdownPath)
        let notePath = try free(base, ".md", in: workspace.notes, reusing: previous?.notePath)
        let pdfPath: String
        if (source as NSString).deletingLastPathComponent == workspace.pdfs {
            let current = (source as NSString).lastPathComponent
            pdfPath =
                current == base + ".pdf" || source == previous?.pdfPath
                ? source : try free(base, ".pdf", in: workspace.pdfs, reusing: nil)
        } else {
            pdfPath = try free(base, ".pdf", in: workspace.pdfs, reusing: previous?.pdfPath)
        }

        let markdown = Self.frontMatter(analysis) + "\n# \(analysis.title)\n\n" + document.markdown
        try written.write(markdown, to: markdownPath)
        var context = NoteContext(
            analysis: analysis, pdfName: (pdfPath as NSString).lastPathComponent,
            markdownName: (markdownPath as NSString).lastPathComponent, processed: ISOTime.string(Date()))
        context.model = model
        context.ocrPages = document.ocrPages
        context.ocrEngine = document.ocrEngine
        let template = try NoteTemplate.load(path: templatePath)
        var note = try template.render(context)
        if !references.isEmpty {
            let section = ReferencesSection.render(try citations.linkedEntries(references), format: linkFormat)
            note = ReferencesSection.replacing(in: note, with: section)
        }
        try written.write(note, to: notePath)
        if pdfPath != source {
            if (source as NSString).deletingLastPathComponent == workspace.pdfs {
                try written.move(source, to: pdfPath)
            } else {
                try written.copy(source, to: pdfPath)
            }
        }
        return ProcessedLedger.Entry(
            hash: hash, status: .processed, sourcePath: source, pdfPath: pdfPath, notePath: notePath,
            markdownPath: markdownPath, title: analysis.title, analysis: analysis.method, error: nil,
            pages: document.pages.count, updatedAt: Date())
    }

    /// The full text's front matter: what its chunks carry when indexed.
    static func frontMatter(_ analysis: PaperAnalysis) -> String {
        var lines = ["---", "title: " + JSONWriter.string(.string(analysis.title))]
        if !analysis.authors.isEmpty {
            lines.append("authors: " + JSONWriter.string(.array(analysis.authors.map { .string($0) })))
        }
        if let year = analysis.year { lines.append("year: \(year)") }
        if let doi = analysis.doi { lines.append("doi: " + JSONWriter.string(.string(doi))) }
        if let journal = analysis.journal { lines.append("journal: " + JSONWriter.string(.string(journal))) }
        if !analysis.tags.isEmpty {
            lines.append("tags: " + JSONWriter.string(.array(analysis.tags.map { .string($0) })))
        }
        lines += ["document_type: article", "---", ""]
        return lines.joined(separator: "\n")
    }

    /// The text and metadata of a PDF, without processing it.
    public func extractText(_ path: String) async throws -> PDFText {
        try await extractor.extract(path)
    }

    /// Rewrites front-matter fields (`title`, `authors`, `year`, `doi`, `journal`, `tags`) of a
    /// processed article's note and full text, and indexes both again. Returns the note's path.
    public func updateMetadata(_ notePath: String, changes: JSONObject) async throws -> String {
        guard let entry = try ledger.entry(path: notePath), let note = entry.notePath else {
            throw ThothError(.notFound, "\(notePath) is not a note made by the PDF pipeline")
        }
        var files: [String] = []
        for path in [note, entry.markdownPath].compactMap({ $0 }) where FileManager.default.fileExists(atPath: path) {
            let text = try String(contentsOfFile: path, encoding: .utf8)
            try Data(FrontMatter.replacing(changes, in: text).utf8).write(
                to: URL(fileURLWithPath: path), options: .atomic)
            files.append(path)
        }
        _ = try await knowledge.index(files: files)
        if let title = changes["title"]?.stringValue {
            var updated = entry
            updated.title = title
            updated.updatedAt = Date()
            try ledger.record(updated)
        }
        return note
    }

    /// Deletes a processed article: note, full text, their chunks and the ledger entry (and the
    /// PDF when asked). Returns the files removed.
    public func delete(_ notePath: String, deletePDF: Bool) async throws -> [String] {
        guard let entry = try ledger.entry(path: notePath), entry.status == .processed else {
            throw ThothError(.notFound, "\(notePath) is not an article made by the PDF pipeline; nothing was deleted")
        }
        var removed: [String] = []
        for path in [entry.notePath, entry.markdownPath].compactMap({ $0 }) {
            try await knowledge.remove(source: path)
            if (try? FileManager.default.removeItem(atPath: path)) != nil { removed.append(path) }
        }
        if deletePDF, let pdf = entry.pdfPath, (try? FileManager.default.removeItem(atPath: pdf)) != nil {
            removed.append(pdf)
        }
        try ledger.remove(hash: entry.hash)
        if let note = entry.notePath { await relink(try citations.removeNote(Self.noteName(note))) }
        return removed
    }

    /// A note's name as links use it: its file name without `.md`.
    static func noteName(_ path: String) -> String {
        ((path as NSString).lastPathComponent as NSString).deletingPathExtension
    }

    /// The note of the paper an indexed file belongs to: the note itself, or the note made with
    /// a processed paper's full text.
    public nonisolated func notePath(forSource source: String) -> String {
        (try? ledger.entry(path: source))?.notePath ?? source
    }

    public nonisolated func noteName(forSource source: String) -> String { Self.noteName(notePath(forSource: source)) }

    /// Rewrites the references sections of the notes named (their cited papers came or went)
    /// and indexes them again. A note that cannot be rewritten keeps its old links; the paper
    /// that changed is not undone for it.
    func relink(_ notes: [String]) async {
        var changed: [String] = []
        for name in notes {
            let path = (workspace.notes as NSString).appendingPathComponent(name + ".md")
            guard let text = try? String(contentsOfFile: path, encoding: .utf8),
                let entries = try? citations.entries(ofNote: name), !entries.isEmpty
            else { continue }
            let updated = ReferencesSection.replacing(
                in: text, with: ReferencesSection.render(entries, format: linkFormat))
            if updated != text, (try? Data(updated.utf8).write(to: URL(fileURLWithPath: path), options: .atomic)) != nil
            {
                changed.append(path)
            }
        }
        if !changed.isEmpty { _ = try? await knowledge.index(files: changed) }
    }

    /// Processes the PDF behind a processed article again (its note is rewritten in place).
    public func reprocess(_ notePath: String, progress: @escaping Progress = { _, _ in }) async throws -> Outcome {
        let entry = try ledger.entry(path: notePath)
        guard let pdf = entry.map({ $0.pdfPath ?? $0.sourcePath }), FileManager.default.fileExists(atPath: pdf) else {
            throw ThothError(.notFound, "\(notePath) is not an article made by the PDF pipeline, or its PDF is gone")
        }
        return await process(pdf, force: true, progress: progress)
    }

    /// Processes every processed article's PDF again: new template, new model, new extractor.
    public func regenerateAll(progress: Progress = { _, _ in }) async throws -> [Outcome] {
        let entries = try ledger.entries().filter { $0.status == .processed }
        var outcomes: [Outcome] = []
        for (index, entry) in entries.enumerated() {
            let done = Double(index) / Double(max(1, entries.count))
            progress(done, "regenerating \(entry.title ?? entry.hash)")
            outcomes.append(try await reprocess(entry.notePath ?? entry.sourcePath))
        }
        return outcomes
    }

    /// A queue of its own for hashing: file reads block, and must not wait behind the encoder's
    /// work on the global queues.
    private static let hashing = DispatchQueue(label: "thoth.pipeline.hashing")

    /// SHA-256 of the file's bytes, read off the cooperative threads.
    static func sha256(of path: String) async throws -> String {
        try await withCheckedThrowingContinuation { continuation in
            Self.hashing.async {
                continuation.resume(
                    with: Result {
                        guard let handle = FileHandle(forReadingAtPath: path) else {
                            throw ThothError(.notFound, "\(path): no such file")
                        }
                        defer { try? handle.close() }
                        var hasher = SHA256()
                        while let data = try handle.read(upToCount: 1 << 20), !data.isEmpty {
                            hasher.update(data: data)
                        }
                        return hasher.finalize().map { String(format: "%02x", $0) }.joined()
                    })
            }
        }
    }
}

/// What one run has written, so a failure can take it back: new files removed, files that were
/// replaced restored, a moved PDF moved back, and the new files' chunks dropped.
struct WrittenFiles {
    private var created: [String] = []
    private var replaced: [(path: String, old: Data)] = []
    private var moved: [(from: String, to: String)] = []

    mutating func write(_ text: String, to path: String) throws {
        if let old = FileManager.default.contents(atPath: path) {
            replaced.append((path, old))
        } else {
            created.append(path)
        }
        try Data(text.utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
    }

    mutating func move(_ from: String, to: String) throws {
        try FileManager.default.moveItem(atPath: from, toPath: to)
        moved.append((from, to))
    }

    mutating func copy(_ from: String, to: String) throws {
        try FileManager.default.copyItem(atPath: from, toPath: to)
        created.append(to)
    }

    func rollBack(knowledge: KnowledgeBase) async {
        for path in created {
            try? FileManager.default.removeItem(atPath: path)
            _ = try? await knowledge.remove(source: path)
        }
        for (path, old) in replaced { try? old.write(to: URL(fileURLWithPath: path), options: .atomic) }
        // Replaced files may have been indexed in their new form already.
        if !replaced.isEmpty { _ = try? await knowledge.index(files: replaced.map(\.path)) }
        for (from, to) in moved.reversed() { try? FileManager.default.moveItem(atPath: to, toPath: from) }
    }
}
