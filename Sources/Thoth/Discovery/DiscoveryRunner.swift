import Discovery
import Foundation
import JSON
import LLM

/// One discovery run of a source: search it, keep the articles not seen before, judge them
/// against the research queries (with the chat model when one is set, else offline with the
/// embedding model), locate the PDFs of the relevant ones and download them into the PDF
/// folder, where the watcher hands them to the pipeline. Every run leaves a record: found,
/// new, relevant, filtered, downloaded, errors, seconds. One run per source at a time.
public actor DiscoveryRunner {
    public typealias Report = @Sendable (_ percent: Int, _ message: String) -> Void

    /// An article some research queries found relevant: which, its best score, every judgement.
    struct Match {
        var article: DiscoveredArticle
        var queries: [String]
        var score: Double
        var reasons: JSONObject
    }

    public nonisolated let sources: DiscoverySourceStore
    public nonisolated let articles: ArticleStore
    public nonisolated let services: DiscoveryServices
    nonisolated let queries: ResearchQueryStore
    nonisolated let downloader: PDFDownloader
    nonisolated let embed: OfflineRelevance.Embed?
    let chatModel: @Sendable () -> (any ChatModel)?
    private var running: Set<String> = []

    public init(
        workspace: Workspace, articles: ArticleStore, environment: [String: String], maxPDFBytes: Int,
        embed: OfflineRelevance.Embed?, chatModel: @escaping @Sendable () -> (any ChatModel)? = { nil }
    ) {
        sources = DiscoverySourceStore(directory: workspace.discovery)
        queries = ResearchQueryStore(directory: workspace.queries)
        services = DiscoveryServices(environment: environment)
        self.articles = articles
        self.embed = embed
        self.chatModel = chatModel
        downloader = PDFDownloader(folder: workspace.pdfs, maxBytes: maxPDFBytes)
    }

    /// Runs the source named `name` and returns its record.
    public func run(_ name: String, report: Report? = nil) async throws -> JSONObject {
        let source = try sources.source(name)
        guard running.insert(name).inserted else {
            throw ThothError(.invalidRequest, "Discovery source '\(name)' is already running")
        }
        defer { running.remove(name) }
        let report = report ?? { _, _ in }
        let started = Date()
        var errors: [String] = []
        let limit = max(1, min(Int(source["max_articles"]?.intValue ?? 50), 10_000))
        var found: [DiscoveredArticle] = []
        report(5, "Searching \(name)")
        do {
            found = try await services.search(source, limit: limit)
        } catch {
            errors.append("search: \(error)")
        }
        let new = try articles.insertNew(found)
        report(30, "Found \(found.count), \(new.count) new")
        let criteria = try researchCriteria(source)
        if criteria.isEmpty, !new.isEmpty { errors.append("no research queries to judge articles against") }
        var relevant: [Match] = []
        var judge = "none"
        if !criteria.isEmpty, !new.isEmpty {
            let judged = try await self.judge(new, criteria, errors: &errors) { done in
                report(30 + 30 * done / new.count, "Judged \(done) of \(new.count)")
            }
            judge = judged.judge
            relevant = judged.relevant
        }
        var downloaded = 0
        for (index, match) in relevant.enumerated() {
            let (path, problems) = await download(match.article)
            if path != nil { downloaded += 1 }
            errors += problems
            try articles.mark(
                match.article.identity, relevantTo: match.queries, score: match.score, reasons: match.reasons,
                pdfPath: path)
            report(60 + 39 * (index + 1) / relevant.count, "Located \(index + 1) of \(relevant.count) PDFs")
        }
        let record: JSONObject = [
            "source": .string(name), "type": source["type"] ?? .null, "started": .string(ISOTime.string(started)),
            "found": .int(Int64(found.count)), "new": .int(Int64(new.count)), "relevant": .int(Int64(relevant.count)),
            "filtered": .int(Int64(new.count - relevant.count)), "downloaded": .int(Int64(downloaded)),
            "judge": .string(judge), "errors": .array(errors.map { .string($0) }),
            "seconds": .double((Date().timeIntervalSince(started) * 1000).rounded() / 1000),
        ]
        try articles.recordRun(source: name, started: started, record: record)
        return record
    }

    /// Judges each new article against every query: with the chat model when one is set (an
    /// article the model fails on is judged offline instead), else offline.
    private func judge(
        _ new: [DiscoveredArticle], _ criteria: [(String, RelevanceCriteria)], errors: inout [String],
        progress: (Int) -> Void
    ) async throws -> (
        judge: String, relevant: [Match]
    ) {
        var judgements = [[RelevanceJudgement?]](
            repeating: [RelevanceJudgement?](repeating: nil, count: criteria.count), count: new.count)
        let model = chatModel()
        if let model {
            let llm = LLMRelevance(model: model)
            var failures = 0
            for (index, article) in new.enumerated() {
                for (q, (_, criterion)) in criteria.enumerated() {
                    do {
                        judgements[index][q] = try await llm.judge(article, against: criterion)
                    } catch {
                        failures += 1
                        if failures == 1 {
                            errors.append("relevance by the chat model: \(error); judged offline instead")
                        }
                    }
                }
                progress(index + 1)
            }
        }
        let unjudged = judgements.contains { $0.contains { $0 == nil } }
        if unjudged {
            guard let embed else {
                throw ThothError(.unavailable, "Judging relevance needs the embedding model, which is not available")
            }
            let offline = OfflineRelevance(embed: embed)
            for (q, (_, criterion)) in criteria.enumerated() {
                let missing = new.indices.filter { judgements[$0][q] == nil }
                guard !missing.isEmpty else { continue }
                for (index, judgement) in zip(
                    missing, try await offline.judge(missing.map { new[$0] }, against: criterion))
                {
                    judgements[index][q] = judgement
                }
            }
            progress(new.count)
        }
        var relevant: [Match] = []
        for (article, row) in zip(new, judgements) {
            var names: [String] = []
            var best = 0.0
            var reasons: JSONObject = [:]
            for ((name, _), judgement) in zip(criteria, row) {
                guard let judgement else { continue }
                reasons[name] = [
                    "relevant": .bool(judgement.relevant), "score": .double(judgement.score),
                    "reason": .string(judgement.reason),
                ]
                if judgement.relevant {
                    names.append(name)
                    best = max(best, judgement.score)
                }
            }
            if !names.isEmpty {
                relevant.append(Match(article: article, queries: names, score: best, reasons: reasons))
            }
        }
        return (model == nil ? "offline" : unjudged ? "llm+offline" : "llm", relevant)
    }

    /// Tries the article's PDF candidates in the locator's order until one downloads as a PDF.
    nonisolated func download(_ article: DiscoveredArticle) async -> (path: String?, problems: [String]) {
        var path: String?
        var refusals: [String] = []
        let downloader = downloader
        let problems = await services.locator.locate(article) { candidate in
            do {
                path = try await downloader.download(candidate.url).path
                return true
            } catch {
                refusals.append("\(candidate.source) \(error)")
                return false
            }
        }
        guard path == nil else { return (path, []) }
        let reasons = refusals + problems
        return (
            nil,
            [
                "\(article.title.prefix(120)): no PDF" + (reasons.isEmpty ? " located" : ": ")
                    + reasons.joined(separator: "; ")
            ]
        )
    }

    /// The research queries this source serves (its `queries`, else all), as criteria.
    func researchCriteria(_ source: JSONObject) throws -> [(String, RelevanceCriteria)] {
        let listed = source["queries"]?.arrayValue?.compactMap(\.stringValue)
        let names = try listed ?? queries.names()
        return try names.compactMap { name in
            guard let query = try queries.query(name) else { return nil }
            let strings = { (key: String) in query[key]?.arrayValue?.compactMap(\.stringValue) ?? [] }
            return (
                name,
                RelevanceCriteria(
                    description: query["description"]?.stringValue ?? "",
                    researchQuestion: query["research_question"]?.stringValue ?? "", keywords: strings("keywords"),
                    required: strings("required_topics"), excluded: strings("excluded_topics"),
                    threshold: query["relevance_threshold"]?.doubleValue ?? 0.3)
            )
        }
    }
}
