import Citations
import Discovery
import Foundation
import JSON

/// The outside services discovery talks to, each at its real address unless the environment
/// points it elsewhere (`THOTH_ARXIV_URL`, `THOTH_PUBMED_URL`, … — tests point them at a local
/// replay server): the source clients, and the PDF locator with Unpaywall, Semantic Scholar
/// and PubMed Central behind it.
public struct DiscoveryServices: Sendable {
    public static let types = ["arxiv", "crossref", "pubmed", "openalex", "biorxiv", "medrxiv", "semanticscholar"]

    let environment: [String: String]
    let contact: String?
    let crossrefURL: URL
    /// Semantic Scholar, one client (and one request spacing) for searches and the locator.
    let semanticScholar: SemanticScholarSource
    public let locator: PDFLocator

    init(environment: [String: String]) {
        self.environment = environment
        let contact = Self.value(environment, "THOTH_CONTACT_EMAIL") ?? Self.value(environment, "API_UNPAYWALL_EMAIL")
        let url = { (name: String, fallback: String) in Self.url(environment, name, fallback) }
        self.contact = contact
        crossrefURL = url("THOTH_CROSSREF_URL", "https://api.crossref.org")
        semanticScholar = SemanticScholarSource(
            baseURL: url("THOTH_SEMANTICSCHOLAR_URL", "https://api.semanticscholar.org/graph/v1"),
            apiKey: Self.value(environment, "API_SEMANTICSCHOLAR_API_KEY"), contact: contact)
        locator = PDFLocator(
            services: PDFLocator.Services(
                crossref: crossrefURL, unpaywall: url("THOTH_UNPAYWALL_URL", "https://api.unpaywall.org/v2"),
                unpaywallEmail: Self.value(environment, "API_UNPAYWALL_EMAIL") ?? contact,
                arxivPDF: url("THOTH_ARXIV_PDF_URL", "https://arxiv.org/pdf"), semanticScholar: semanticScholar,
                pmc: url("THOTH_PMC_URL", "https://www.ncbi.nlm.nih.gov/pmc/articles"), contact: contact))
    }

    private static func value(_ environment: [String: String], _ name: String) -> String? {
        environment[name].flatMap { $0.isEmpty ? nil : $0 }
    }

    private static func url(_ environment: [String: String], _ name: String, _ fallback: String) -> URL {
        value(environment, name).flatMap { URL(string: $0) } ?? URL(string: fallback)!
    }

    private func url(_ name: String, _ fallback: String) -> URL { Self.url(environment, name, fallback) }

    /// CrossRef's client, at its configured address (reference enrichment uses it too).
    public func crossref() -> CrossrefSource {
        CrossrefSource(baseURL: crossrefURL, contact: contact)
    }

    /// The web search engine `name` names (`auto`: SearxNG when `THOTH_SEARXNG_URL` is set, else
    /// Brave with `API_BRAVE_KEY`, else Serper with `API_SERPER_KEY`/`API_WEB_SEARCH_KEY`, else
    /// DuckDuckGo, which needs no key; `THOTH_WEB_SEARCH_ENGINE` picks one for `auto`).
    public func webSearch(_ name: String?) throws -> WebSearch {
        let brave = Self.value(environment, "API_BRAVE_KEY")
        let serper = Self.value(environment, "API_SERPER_KEY") ?? Self.value(environment, "API_WEB_SEARCH_KEY")
        let searxng = Self.value(environment, "THOTH_SEARXNG_URL").flatMap { URL(string: $0) }
        var chosen = name.flatMap { $0 == "auto" ? nil : $0 } ?? Self.value(environment, "THOTH_WEB_SEARCH_ENGINE")
        if chosen == nil {
            chosen = searxng != nil ? "searxng" : brave != nil ? "brave" : serper != nil ? "serper" : "duckduckgo"
        }
        switch WebSearch.Engine(rawValue: chosen ?? "") {
        case .searxng?:
            guard let searxng else {
                throw ThothError(.invalidRequest, "SearxNG needs THOTH_SEARXNG_URL (its address)")
            }
            return WebSearch(engine: .searxng, baseURL: searxng, key: nil, contact: contact)
        case .brave?:
            guard let brave else { throw ThothError(.invalidRequest, "Brave Search needs API_BRAVE_KEY") }
            return WebSearch(
                engine: .brave, baseURL: url("THOTH_BRAVE_URL", "https://api.search.brave.com"), key: brave,
                contact: contact)
        case .serper?:
            guard let serper else {
                throw ThothError(.invalidRequest, "Serper needs API_SERPER_KEY (or API_WEB_SEARCH_KEY)")
            }
            return WebSearch(
                engine: .serper, baseURL: url("THOTH_SERPER_URL", "https://google.serper.dev"), key: serper,
                contact: contact)
        case .duckduckgo?:
            return WebSearch(
                engine: .duckduckgo, baseURL: url("THOTH_DUCKDUCKGO_URL", "https://html.duckduckgo.com"), key: nil,
                contact: contact)
        case nil:
            throw ThothError(
                .invalidRequest,
                "Unknown search engine '\(chosen ?? "")': use auto, duckduckgo, searxng, brave or serper")
        }
    }

    /// The services references are completed from, in order: CrossRef (by DOI, else by title),
    /// then OpenCitations Meta and Semantic Scholar (by DOI, many a request), each filling only
    /// what the ones before left empty; either of the last two can be turned off.
    public func lookups(cache: CitationGraph, openCitations: Bool, semanticScholar useSemanticScholar: Bool)
        -> [any BibliographicLookup]
    {
        var lookups: [any BibliographicLookup] = [ArticleLookup.crossref(crossref(), cache: cache)]
        if openCitations {
            let meta = OpenCitationsMeta(
                baseURL: url("THOTH_OPENCITATIONS_URL", "https://opencitations.net/meta/api/v1"),
                token: Self.value(environment, "API_OPENCITATIONS_KEY"), contact: contact)
            lookups.append(ArticleLookup.openCitations(meta, cache: cache))
        }
        if useSemanticScholar { lookups.append(ArticleLookup.semanticScholar(semanticScholar, cache: cache)) }
        return lookups
    }

    /// Up to `limit` articles the source's service lists for its query.
    func search(_ source: JSONObject, limit: Int) async throws -> [DiscoveredArticle] {
        let strings = { (key: String) in source[key]?.arrayValue?.compactMap(\.stringValue) ?? [] }
        let text = { (joiner: String) in source["query"]?.stringValue ?? strings("terms").joined(separator: joiner) }
        let fromDate = source["from_date"]?.stringValue
        switch source["type"]?.stringValue {
        case "arxiv":
            let client = ArxivSource(baseURL: url("THOTH_ARXIV_URL", "https://export.arxiv.org/api"), contact: contact)
            return try await client.search(
                ArxivSource.Query(terms: strings("terms"), categories: strings("categories")), limit: limit)
        case "crossref":
            return try await crossref().search(text(" "), fromDate: fromDate, limit: limit)
        case "pubmed":
            let client = PubMedSource(
                baseURL: url("THOTH_PUBMED_URL", "https://eutils.ncbi.nlm.nih.gov/entrez/eutils"), contact: contact,
                apiKey: Self.value(environment, "API_NCBI_KEY"))
            return try await client.search(text(" AND "), limit: limit)
        case "openalex":
            let client = OpenAlexSource(
                baseURL: url("THOTH_OPENALEX_URL", "https://api.openalex.org"), contact: contact)
            return try await client.search(text(" "), fromDate: fromDate, limit: limit)
        case "biorxiv", "medrxiv":
            let client = BiorxivSource(baseURL: url("THOTH_BIORXIV_URL", "https://api.biorxiv.org"), contact: contact)
            let (from, to) = Self.interval(source)
            return try await client.search(
                BiorxivSource.Query(
                    server: source["type"]!.stringValue!, from: from, to: to,
                    category: strings("categories").first, terms: strings("terms")),
                limit: limit)
        case "semanticscholar":
            return try await semanticScholar.search(
                text(" "), year: fromDate.map { String($0.prefix(4)) + "-" }, limit: limit)
        default:
            throw ThothError(
                .invalidRequest, "Unknown source type \(source["type"].map { JSONWriter.string($0) } ?? "none")")
        }
    }

    /// A bioRxiv source's dates: its `start_date`/`end_date`, else the last `days` (7) to today.
    static func interval(_ source: JSONObject, now: Date = Date()) -> (String, String) {
        let day = { (date: Date) in String(ISOTime.string(date).prefix(10)) }
        let days = max(1, source["days"]?.doubleValue ?? 7)
        let to = source["end_date"]?.stringValue ?? day(now)
        let from = source["start_date"]?.stringValue ?? day(now.addingTimeInterval(-days * 86_400))
        return (from, to)
    }
}
