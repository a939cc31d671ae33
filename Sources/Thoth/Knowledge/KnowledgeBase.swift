import Embeddings
import Foundation
import JSON
import LLM
import TextChunking
import VectorStore

/// The RAG index over the workspace's markdown: notes and converted articles, chunked to the
/// embedding model's window, in one collection of the vector backend. Chunk ids are
/// `<path>#<index>`, so re-indexing overwrites instead of duplicating; a file is re-embedded
/// only when its content hash changed, and chunks of deleted files are dropped.
public actor KnowledgeBase {
    public struct Settings: Sendable {
        public var collection: String
        public var chunkSize: Int
        public var chunkOverlap: Int
        public var defaultK: Int
        public var minSimilarity: Double
        /// Folders indexed, with the `document_type` their files get.
        public var folders: [(path: String, documentType: String)]
        public var embeddingModel: String
        public var retrieval: Retrieval

        public init(configuration: ThothConfiguration) {
            collection = configuration.ragCollection
            chunkSize = configuration.ragChunkSize
            chunkOverlap = configuration.ragChunkOverlap
            defaultK = configuration.ragDefaultK
            minSimilarity = configuration.ragMinSimilarity
            folders = [(configuration.workspace.notes, "note"), (configuration.workspace.markdown, "article")]
            embeddingModel = configuration.embeddingModel
            retrieval = configuration.retrieval
        }
    }

    public nonisolated let settings: Settings
    public nonisolated let backend: any VectorBackend
    private let embedder: Result<any Embedder, EmbeddingError>
    private let queryCache: ResponseCache<[Float]>
    /// Reorders the best candidates of every search when configured (`THOTH_RERANK_BASE_URL`).
    private let reranker: HTTPReranker?
    /// Chunks embedded together: large enough to fill the model's batches across small files.
    private let flushChunks = 64
    /// What a chunk carries besides its text; a new format re-indexes every file once.
    /// 2: heading path, line range and the words' BM25 vector.
    static let chunkFormat = "2"
    /// The metadata key of each chunk's BM25 vector (the words search).
    static let wordsKey = "bm25"

    public init(
        settings: Settings, backend: any VectorBackend, embedder: Result<any Embedder, EmbeddingError>,
        cache: ResponseCache<[Float]>, reranker: HTTPReranker? = nil
    ) {
        self.settings = settings
        self.backend = backend
        self.embedder = embedder
        self.queryCache = cache
        self.reranker = reranker
    }

    /// Why RAG cannot run (no model files, say), or nil when it can.
    public nonisolated var problem: String? {
        if case .failure(let error) = embedder { return error.message }
        return nil
    }

    func requireEmbedder() throws -> any Embedder {
        switch embedder {
        case .success(let embedder): return embedder
        case .failure(let error): throw ThothError(.unavailable, "RAG is unavailable: \(error.message)")
        }
    }

    /// Chunk size in model tokens: the configured size, within the model's window.
    private func chunker(_ embedder: any Embedder) -> TextChunker {
        TextChunker(
            size: min(settings.chunkSize, embedder.maxInputTokens - 2), overlap: settings.chunkOverlap,
            tokens: embedder.tokenCount)
    }

    // MARK: - Indexing

    /// Brings the collection in step with the folders. `force` re-embeds every file. A call made
    /// while a run is going waits for that run and returns its report.
    public func index(force: Bool = false, progress: @escaping @Sendable (IndexProgress) -> Void = { _ in })
        async throws
        -> IndexReport
    {
        if let running { return try await running.value }
        let run = Task {
            try await self.runIndex(markdownFiles(), force: force, removeOthers: true, progress: progress)
        }
        running = run
        defer { running = nil }
        return try await run.value
    }

    /// Indexes these files now (the PDF pipeline's note and full text), leaving the rest alone.
    public func index(files paths: [String]) async throws -> IndexReport {
        if let running { _ = try? await running.value }
        let files = paths.map { path in
            (path, settings.folders.first { path.hasPrefix($0.path + "/") }?.documentType ?? "article")
        }
        return try await runIndex(files, force: true, removeOthers: false, progress: { _ in })
    }

    /// Drops the chunks of the file at `path`; returns how many.
    @discardableResult
    public func remove(source path: String) async throws -> Int {
        guard let collection = try await backend.existingCollection(named: settings.collection) else { return 0 }
        let ids = try await backend.records(collection, where: ["source": .string(path)]).map(\.id)
        try await backend.delete(collection, ids: ids)
        return ids.count
    }

    private var running: Task<IndexReport, any Error>?

    private func runIndex(
        _ files: [(path: String, documentType: String)], force: Bool, removeOthers: Bool,
        progress: @escaping @Sendable (IndexProgress) -> Void
    ) async throws -> IndexReport {
        let started = Date()
        let embedder = try requireEmbedder()
        let chunker = chunker(embedder)
        let collection = try await backend.collection(named: settings.collection)
        var known: [String: (hash: String, ids: [String])] = [:]
        // A full run compares every file; indexing a few files asks the store for their chunks only.
        let existing =
            removeOthers
            ? try await backend.metadatas(collection)
            : try await backend.records(
                collection, where: ["source": ["$in": .array(files.map { .string($0.path) })]]
            ).map { (id: $0.id, metadata: $0.metadata) }
        for (id, metadata) in existing {
            let source = metadata["source"]?.stringValue ?? ""
            known[source, default: ("", [])].ids.append(id)
            if let hash = metadata["content_hash"]?.stringValue { known[source]!.hash = hash }
        }
        var run = IndexRun(total: files.count, progress: progress)
        for (path, documentType) in files {
            let previous = known.removeValue(forKey: path)
            let text: String
            do {
                text = try String(contentsOfFile: path, encoding: .utf8)
            } catch {
                run.report.errors.append("\(path): \(error.localizedDescription)")
                run.advance(path)
                continue
            }
            let hash = ContentHash.of(
                text, settings.embeddingModel, String(settings.chunkSize), String(settings.chunkOverlap),
                Self.chunkFormat)
            if !force, let previous, previous.hash == hash {
                run.report.filesUnchanged += 1
                run.advance(path)
                continue
            }
            let frontMatter = FrontMatter(text)
            var metadata = frontMatter.metadata
            metadata["document_type"] = .string(frontMatter.string("document_type") ?? documentType)
            metadata["title"] = .string(
                frontMatter.string("title") ?? MarkdownText.title(of: frontMatter.body, file: path))
            let firstLine = 1 + text[..<frontMatter.body.startIndex].reduce(0) { $1 == "\n" ? $0 + 1 : $0 }
            let chunks = chunker.locatedChunks(
                Substring(MarkdownText.strippingImages(String(frontMatter.body))), firstLine: firstLine)
            run.pending.append(
                PendingFile(
                    path: path, hash: hash, metadata: metadata, chunks: chunks, previousIDs: previous?.ids ?? []))
            if run.pending.reduce(0, { $0 + $1.chunks.count }) >= flushChunks {
                try await write(&run, to: collection, embedder: embedder)
            }
        }
        try await write(&run, to: collection, embedder: embedder)
        var report = run.report
        // What is left in `known` belongs to files that are gone.
        for (_, entry) in known where removeOthers {
            try await backend.delete(collection, ids: entry.ids)
            report.chunksDeleted += entry.ids.count
            report.filesRemoved += 1
        }
        report.seconds = Date().timeIntervalSince(started)
        return report
    }

    /// The state of one indexing run.
    private struct IndexRun {
        var report = IndexReport()
        var pending: [PendingFile] = []
        var done = 0
        let total: Int
        let progress: @Sendable (IndexProgress) -> Void
        let started = ContinuousClock.now

        init(total: Int, progress: @escaping @Sendable (IndexProgress) -> Void) {
            self.total = total
            self.progress = progress
            report.filesSeen = total
        }

        mutating func advance(_ file: String) {
            done += 1
            progress(
                IndexProgress(
                    done: done, total: total, file: file, chunks: report.chunksWritten,
                    seconds: (ContinuousClock.now - started).seconds))
        }
    }

    private struct PendingFile {
        let path: String
        let hash: String
        /// What every chunk of the file carries: type, title and the note's bibliographic fields.
        let metadata: JSONObject
        let chunks: [LocatedChunk]
        let previousIDs: [String]
    }

    /// Embeds and writes the pending files. New chunks are written first and stale ones deleted
    /// after, so a file never has no chunks.
    private func write(_ run: inout IndexRun, to collection: VectorCollection, embedder: any Embedder) async throws {
        let files = run.pending
        guard !files.isEmpty else { return }
        var ids: [String] = []
        var documents: [String] = []
        var metadatas: [JSONObject] = []
        for file in files {
            for (index, chunk) in file.chunks.enumerated() {
                ids.append("\(file.path)#\(index)")
                documents.append(chunk.text)
                var metadata = file.metadata
                metadata["source"] = .string(file.path)
                metadata["filename"] = .string((file.path as NSString).lastPathComponent)
                metadata["file_type"] = .string("." + (file.path as NSString).pathExtension.lowercased())
                metadata["chunk_index"] = .int(Int64(index))
                metadata["total_chunks"] = .int(Int64(file.chunks.count))
                metadata["content_hash"] = .string(file.hash)
                if let page = chunk.page {
                    metadata["page_start"] = .int(Int64(page))
                    metadata["page_end"] = .int(Int64(page))
                }
                if let section = chunk.section { metadata["section"] = .string(section) }
                if !chunk.headingPath.isEmpty {
                    metadata["heading_path"] = .string(chunk.headingPath.joined(separator: " › "))
                }
                if let lines = chunk.lines {
                    metadata["line_start"] = .int(Int64(lines.lowerBound))
                    metadata["line_end"] = .int(Int64(lines.upperBound))
                }
                if backend.searchesWords { metadata[Self.wordsKey] = WordVector.encode(chunk.text).json }
                metadatas.append(metadata)
            }
        }
        if !ids.isEmpty {
            let embeddings = try await embedder.embed(documents)
            try await backend.upsert(
                collection, ids: ids, embeddings: embeddings, documents: documents, metadatas: metadatas)
        }
        let current = Set(ids)
        let stale = files.flatMap(\.previousIDs).filter { !current.contains($0) }
        try await backend.delete(collection, ids: stale)
        run.report.chunksWritten += ids.count
        run.report.chunksDeleted += stale.count
        run.report.filesIndexed += files.count
        run.pending.removeAll()
        for file in files { run.advance(file.path) }
    }

    /// Every markdown file under the indexed folders, sorted, hidden folders (`.obsidian`, `.trash`) skipped.
    private nonisolated func markdownFiles() -> [(path: String, documentType: String)] {
        var files: [(String, String)] = []
        var seen = Set<String>()
        for (folder, documentType) in settings.folders {
            for relative in MarkdownFiles.relativePaths(in: folder) {
                let path = (folder as NSString).appendingPathComponent(relative)
                if seen.insert(path).inserted { files.append((path, documentType)) }
            }
        }
        return files
    }

    // MARK: - Reading

    /// The `k` passages that best match `query` — by words and meaning fused, by meaning or by
    /// words (`mode`, else the configured one; a remote Chroma searches by meaning only) —
    /// optionally only of one `document_type` and only of papers matching `papers`.
    public func search(
        _ query: String, k: Int? = nil, documentType: String? = nil, papers: PaperFilter = PaperFilter(),
        mode: Retrieval.Mode? = nil
    ) async throws -> [Passage] {
        let query = query.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !query.isEmpty else { throw ThothError(.invalidRequest, "The search query is empty") }
        let k = k ?? settings.defaultK
        guard k > 0 else { throw ThothError(.invalidRequest, "k must be at least 1") }
        let retrieval = settings.retrieval
        let mode = mode ?? (backend.searchesWords ? retrieval.mode : .dense)
        if mode != .dense, !backend.searchesWords {
            throw ThothError(
                .invalidRequest, "\(mode.rawValue) search needs the embedded store; a remote Chroma searches by meaning"
            )
        }
        let embedder = mode == .words ? nil : try requireEmbedder()
        guard let collection = try await backend.existingCollection(named: settings.collection) else { return [] }
        var conditions: [JSONValue] = documentType.map { [["document_type": .string($0)]] } ?? []
        conditions += papers.conditions
        let filter: JSONObject? =
            conditions.count > 1 ? ["$and": .array(conditions)] : conditions.first?.objectValue
        // Text conditions are checked here, so more candidates are fetched to leave k after them.
        let fetch = max(
            papers.needsTextMatch ? min(max(k * 10, 100), 1000) : k, reranker == nil ? 0 : retrieval.rerankCandidates)
        var vector: [Float]?
        if let embedder { vector = try await embedQuery(query, embedder: embedder) }
        let diversify = retrieval.diversity != nil && mode != .words && backend.searchesWords
        var passages: [Passage]
        if mode == .dense, !diversify {
            passages = try await backend.query(collection, embedding: vector!, k: fetch, where: filter).compactMap {
                hit in
                let score = collection.similarity(distance: hit.distance)
                guard score >= settings.minSimilarity else { return nil }
                return Passage(id: hit.id, content: hit.document, score: score, metadata: hit.metadata)
            }
        } else {
            let words = WordVector.encode(query)
            let depth = max(fetch, mode == .hybrid || diversify ? retrieval.depth : fetch)
            let needsVectors = diversify || mode == .hybrid
            let plan = try SearchPlan(
                filter: filter.map { try Where.parse(.object($0)) } ?? nil,
                rank: Self.rank(mode, words: words, vector: vector, depth: depth, retrieval),
                limit: depth, select: ["#document", "#metadata", "#score"] + (needsVectors ? ["#embedding"] : []))
            let found = try await backend.search(collection, plan)
            let terms = Set(words.indices)
            passages = found.ids.indices.compactMap { row in
                if mode == .hybrid, let vector, let embedding = found.embeddings?[row] ?? nil {
                    // Fusion ranks every candidate; one that shares no word with the query and is
                    // less similar in meaning than THOTH_RAG_MIN_SIMILARITY is no match at all.
                    let words = found.metadatas?[row]?[Self.wordsKey]
                    let sharesWords: Bool
                    if case .sparseVector(let stored)? = words {
                        sharesWords = stored.indices.contains(where: terms.contains)
                    } else {
                        sharesWords = false
                    }
                    if !sharesWords, Diversity.cosine(vector, embedding) < settings.minSimilarity { return nil }
                }
                let raw = Double(found.scores?[row] ?? 0)
                let score: Double =
                    switch mode {
                    case .dense: collection.similarity(distance: Float(raw))
                    case .words: 1 - raw
                    case .hybrid:
                        // The fused score over its best (first in both lists): 1 at most.
                        min(
                            1,
                            max(0, -raw / ((retrieval.denseWeight + retrieval.wordsWeight) / Double(retrieval.fusionK)))
                        )
                    }
                if mode == .dense, score < settings.minSimilarity { return nil }
                var metadata = found.metadatas?[row].map { EmbeddedBackend.json($0) } ?? [:]
                metadata[Self.wordsKey] = nil
                return Passage(
                    id: found.ids[row], content: found.documents?[row] ?? "", score: score, metadata: metadata)
            }
            if diversify, let vector, let embeddings = found.embeddings {
                let order = Diversity.maximalMarginalRelevance(
                    query: vector, candidates: embeddings.map { $0 ?? [] }, k: min(fetch, passages.count),
                    lambda: retrieval.diversity!)
                passages = order.map { passages[$0] }
            }
        }
        passages = passages.filter { papers.matches($0.metadata) }
        if let reranker, passages.count > 1 { passages = await rerank(passages, query: query, reranker) }
        return Array(passages.prefix(k))
    }

    /// The best candidates in the reranker's order (each with its `rerank_score`); when the
    /// reranker fails, the order the search gave (a search must not depend on a service).
    private func rerank(_ passages: [Passage], query: String, _ reranker: HTTPReranker) async -> [Passage] {
        let head = Array(passages.prefix(settings.retrieval.rerankCandidates))
        guard let order = try? await reranker.rerank(query, documents: head.map(\.content)) else { return passages }
        var seen = Set<Int>()
        let reordered = order.filter { seen.insert($0.index).inserted }.map { entry in
            var metadata = head[entry.index].metadata
            metadata["rerank_score"] = .double(entry.score)
            let passage = head[entry.index]
            return Passage(id: passage.id, content: passage.content, score: passage.score, metadata: metadata)
        }
        // Candidates the reranker left out (a top_n) follow, in the search's order.
        return reordered + head.indices.filter { !seen.contains($0) }.map { head[$0] } + passages.dropFirst(head.count)
    }

    /// The rank expression of a mode: one `$knn`, or both fused by reciprocal rank (a passage
    /// missing from one list counts as ranked just below its end, so either list can bring it).
    static func rank(_ mode: Retrieval.Mode, words: SparseVector, vector: [Float]?, depth: Int, _ retrieval: Retrieval)
        -> RankExpression
    {
        let meaning = { (asRank: Bool) in
            RankExpression.knn(
                .init(
                    query: .dense(vector ?? []), limit: depth, defaultScore: asRank ? Float(depth) : nil,
                    returnRank: asRank))
        }
        let byWords = { (asRank: Bool) in
            RankExpression.knn(
                .init(
                    query: .sparse(words), key: wordsKey, limit: depth,
                    defaultScore: asRank ? Float(depth) : nil, returnRank: asRank, weighsByIDF: true))
        }
        switch mode {
        case .dense: return meaning(false)
        case .words: return byWords(false)
        case .hybrid:
            let k = RankExpression.value(Float(retrieval.fusionK))
            return .product([
                .value(-1),
                .sum([
                    .quotient(.value(Float(retrieval.denseWeight)), .sum([k, meaning(true)])),
                    .quotient(.value(Float(retrieval.wordsWeight)), .sum([k, byWords(true)])),
                ]),
            ])
        }
    }

    /// Each passage with the `count` chunks before and after it in its file (an answer reads a
    /// passage in its context; overlapping chunks repeat a little text).
    public func widened(_ passages: [Passage], by count: Int? = nil) async throws -> [Passage] {
        let count = count ?? settings.retrieval.neighbours
        guard count > 0, !passages.isEmpty,
            let collection = try await backend.existingCollection(named: settings.collection)
        else { return passages }
        var widened: [Passage] = []
        for passage in passages {
            guard let index = passage.metadata["chunk_index"]?.intValue else {
                widened.append(passage)
                continue
            }
            let around = (index - Int64(count)...index + Int64(count)).filter { $0 >= 0 && $0 != index }
            let neighbours = try await backend.records(
                collection,
                where: [
                    "$and": [
                        ["source": .string(passage.source)], ["chunk_index": ["$in": .array(around.map { .int($0) })]],
                    ]
                ])
            let ordered = neighbours.sorted {
                ($0.metadata["chunk_index"]?.intValue ?? 0) < ($1.metadata["chunk_index"]?.intValue ?? 0)
            }
            let before = ordered.filter { ($0.metadata["chunk_index"]?.intValue ?? 0) < index }.map(\.document)
            let after = ordered.filter { ($0.metadata["chunk_index"]?.intValue ?? 0) > index }.map(\.document)
            var metadata = passage.metadata
            metadata["context_chunks"] = .int(Int64(before.count + after.count))
            if let first = ordered.first?.metadata["line_start"], before.count > 0 { metadata["line_start"] = first }
            if let last = ordered.last?.metadata["line_end"], after.count > 0 { metadata["line_end"] = last }
            widened.append(
                Passage(
                    id: passage.id, content: (before + [passage.content] + after).joined(separator: "\n\n"),
                    score: passage.score, metadata: metadata))
        }
        return widened
    }

    /// The query's vector with the knowledge base's model (cached for `THOTH_CACHE_TTL`).
    public func embedQuery(_ query: String) async throws -> [Float] {
        try await embedQuery(query, embedder: try requireEmbedder())
    }

    private func embedQuery(_ query: String, embedder: any Embedder) async throws -> [Float] {
        try await queryCache.value(for: settings.embeddingModel + "\u{0}" + query) {
            try await embedder.embed([query])[0]
        }
    }

    /// The original's stats shape, plus the backend.
    public func stats() async throws -> JSONObject {
        var count = 0
        if let collection = try await backend.existingCollection(named: settings.collection) {
            count = try await backend.count(collection)
        }
        var stats: JSONObject = [
            "embedding_model": .string(settings.embeddingModel),
            "chunk_size": .int(Int64(settings.chunkSize)), "chunk_overlap": .int(Int64(settings.chunkOverlap)),
            "chunk_encoding": .string(settings.embeddingModel + " tokenizer"),
            "collection_name": .string(settings.collection), "document_count": .int(Int64(count)),
            "persist_directory": .string(backend.description),
        ]
        if let problem { stats["problem"] = .string(problem) }
        return stats
    }

    /// Drops the whole collection.
    public func clear() async throws {
        try await backend.deleteCollection(named: settings.collection)
    }
}
