import Discovery
import Foundation
import JSON

/// One discovery run of a source: search it, keep the articles not seen before, judge them
/// against the research queries (offline, with the embedding model), and download the PDFs
/// of the relevant ones into the PDF folder, where the watcher hands them to the pipeline.
/// Every run leaves a record: found, new, relevant, downloaded, errors, seconds.
public actor DiscoveryRunner {
    public nonisolated let sources: DiscoverySourceStore
    public nonisolated let articles: ArticleStore
    let queries: ResearchQueryStore
    let downloader: PDFDownloader
    let embed: OfflineRelevance.Embed?
    let environment: [String: String]

    public init(
        workspace: Workspace, articles: ArticleStore, environment: [String: String], maxPDFBytes: Int,
        embed: OfflineRelevance.Embed?
    ) {
        sources = DiscoverySourceStore(directory: workspace.discovery)
        queries = ResearchQueryStore(directory: workspace.queries)
        self.articles = articles
        self.environment = environment
        self.embed = embed
        downloader = PDFDownloader(folder: workspace.pdfs, maxBytes: maxPDFBytes)
    }

    private func url(_ name: String, _ fallback: String) -> URL {
        environment[name].flatMap { URL(string: $0) } ?? URL(string: fallback)!
    }

    private var contact: String? { environment["THOTH_CONTACT_EMAIL"] ?? environment["API_UNPAYWALL_EMAIL"] }

    /// Runs the source named `name` and returns its record.
    public func run(_ name: String) async throws -> JSONObject {
        let source = try sources.source(name)
        let started = Date()
        var errors: [String] = []
        let limit = Int(source["max_articles"]?.intValue ?? 50)
        var found: [DiscoveredArticle] = []
        do {
            found = try await search(source, limit: max(1, min(limit, 10_000)))
        } catch {
            errors.append("search: \(error)")
        }
        let new = try articles.insertNew(found)
        var relevant = 0
        var downloaded = 0
        let criteria = try researchCriteria(source)
        if criteria.isEmpty, !new.isEmpty { errors.append("no research queries to judge articles against") }
        if !criteria.isEmpty, !new.isEmpty {
            guard let embed else {
                throw ThothError(.unavailable, "Judging relevance needs the embedding model, which is not available")
            }
            let relevance = OfflineRelevance(embed: embed)
            var matches = [[String]](repeating: [], count: new.count)
            for (query, criterion) in criteria {
                for (index, judgement) in try await relevance.judge(new, against: criterion).enumerated()
                where judgement.relevant {
                    matches[index].append(query)
                }
            }
            for (article, queries) in zip(new, matches) where !queries.isEmpty {
                relevant += 1
                var pdfPath: String?
                if let pdf = pdfURL(article) {
                    do {
                        pdfPath = try await downloader.download(pdf).path
                        downloaded += 1
                    } catch {
                        errors.append("\(article.title): \(error)")
                    }
                }
                try articles.mark(article.identity, relevantTo: queries, pdfPath: pdfPath)
            }
        }
        let record: JSONObject = [
            "source": .string(name), "started": .string(ISOTime.string(started)), "found": .int(Int64(found.count)),
            "new": .int(Int64(new.count)), "relevant": .int(Int64(relevant)),
            "filtered": .int(Int64(new.count - relevant)),
            "downloaded": .int(Int64(downloaded)), "errors": .array(errors.map { .string($0) }),
            "seconds": .double((Date().timeIntervalSince(started) * 1000).rounded() / 1000),
        ]
        try articles.recordRun(source: name, started: started, record: record)
        return record
    }

    private func search(_ source: JSONObject, limit: Int) async throws -> [DiscoveredArticle] {
        let strings = { (key: String) in source[key]?.arrayValue?.compactMap(\.stringValue) ?? [] }
        switch source["type"]?.stringValue {
        case "arxiv":
            let client = ArxivSource(baseURL: url("THOTH_ARXIV_URL", "https://export.arxiv.org/api"), contact: contact)
            return try await client.search(
                ArxivSource.Query(terms: strings("terms"), categories: strings("categories")), limit: limit)
        case "crossref":
            let client = CrossrefSource(
                baseURL: url("THOTH_CROSSREF_URL", "https://api.crossref.org"), contact: contact)
            let query = source["query"]?.stringValue ?? strings("terms").joined(separator: " ")
            return try await client.search(query, fromDate: source["from_date"]?.stringValue, limit: limit)
        case "pubmed":
            let client = PubMedSource(
                baseURL: url("THOTH_PUBMED_URL", "https://eutils.ncbi.nlm.nih.gov/entrez/eutils"), contact: contact,
                apiKey: environment["API_NCBI_KEY"].flatMap { $0.isEmpty ? nil : $0 })
            let term = source["query"]?.stringValue ?? strings("terms").joined(separator: " AND ")
            return try await client.search(term, limit: limit)
        default:
            throw ThothError(
                .invalidRequest, "Unknown source type \(source["type"].map { JSONWriter.string($0) } ?? "none")")
        }
    }

    /// The research queries this source serves (its `queries`, else all), as criteria.
    private func researchCriteria(_ source: JSONObject) throws -> [(String, RelevanceCriteria)] {
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

    /// Where the article's PDF is: its own link, arXiv's served from `THOTH_ARXIV_PDF_URL` when set.
    private func pdfURL(_ article: DiscoveredArticle) -> String? {
        if let id = article.arxivID, let base = environment["THOTH_ARXIV_PDF_URL"] {
            return base.hasSuffix("/") ? base + id : base + "/" + id
        }
        return article.pdfURL
    }
}
