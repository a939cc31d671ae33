import Foundation
import JSONHTTP

/// Finds where an article's PDF can be fetched, asking in the original's order: the article's
/// own link, CrossRef's `link[]`, Unpaywall, arXiv, Semantic Scholar's `openAccessPdf`, then
/// PubMed Central. Each place is asked only when the ones before gave nothing acceptable.
public struct PDFLocator: Sendable {
    /// Where each service lives; a nil service is skipped.
    public struct Services: Sendable {
        public var crossref: URL?
        public var unpaywall: URL?
        /// Unpaywall answers only requests that carry an email.
        public var unpaywallEmail: String?
        public var arxivPDF: URL?
        public var semanticScholar: SemanticScholarSource?
        public var pmc: URL?
        public var contact: String?

        public init(
            crossref: URL? = nil, unpaywall: URL? = nil, unpaywallEmail: String? = nil, arxivPDF: URL? = nil,
            semanticScholar: SemanticScholarSource? = nil, pmc: URL? = nil, contact: String? = nil
        ) {
            self.crossref = crossref
            self.unpaywall = unpaywall
            self.unpaywallEmail = unpaywallEmail
            self.arxivPDF = arxivPDF
            self.semanticScholar = semanticScholar
            self.pmc = pmc
            self.contact = contact
        }
    }

    /// A place a PDF may be, and who said so.
    public struct Candidate: Sendable, Equatable {
        public var source: String
        public var url: String
        public init(source: String, url: String) {
            self.source = source
            self.url = url
        }
    }

    public static let order = ["article", "crossref", "unpaywall", "arxiv", "semanticscholar", "pmc"]

    let services: Services
    let crossref: PagedFetch
    let unpaywall: PagedFetch

    public init(services: Services) {
        self.services = services
        let client = PoliteClient.make(contact: services.contact, timeout: 20)
        crossref = PagedFetch(
            service: "CrossRef", client: client, spacing: RequestSpacing(interval: .milliseconds(100)))
        unpaywall = PagedFetch(
            service: "Unpaywall", client: client, spacing: RequestSpacing(interval: .milliseconds(100)))
    }

    /// Offers `article`'s candidates in order until `accept` takes one (it downloads, say);
    /// returns what went wrong asking the services. An arXiv article's own link is left to the
    /// arXiv step, which serves the same file from the configured arXiv root.
    @discardableResult
    public func locate(_ article: DiscoveredArticle, accept: (Candidate) async -> Bool) async -> [String] {
        var problems: [String] = []
        var offered = Set<String>()
        var pmcid = article.pmcid
        func offer(_ source: String, _ url: String?) async -> Bool {
            guard let url, !url.isEmpty, offered.insert(url).inserted else { return false }
            return await accept(Candidate(source: source, url: url))
        }
        func ask<T>(_ service: String, _ lookup: () async throws -> T) async -> T? {
            do { return try await lookup() } catch {
                problems.append("\(service): \(error)")
                return nil
            }
        }
        if article.arxivID == nil, await offer("article", article.pdfURL) { return problems }
        if let doi = article.doi, let base = services.crossref,
            let url = await ask("crossref", { try await crossrefPDF(doi, base) }), await offer("crossref", url)
        {
            return problems
        }
        if let doi = article.doi, let base = services.unpaywall, let email = services.unpaywallEmail {
            for url in await ask("unpaywall", { try await unpaywallPDFs(doi, base, email) }) ?? [] {
                if await offer("unpaywall", url) { return problems }
            }
        }
        if let id = article.arxivID, let base = services.arxivPDF,
            await offer("arxiv", base.appendingPathComponent(id).absoluteString)
        {
            return problems
        }
        if let s2 = services.semanticScholar,
            let identifier = article.doi.map({ "DOI:" + $0 })
                ?? article.arxivID.map({ "arXiv:" + $0 })
        {
            let paper = await ask("semanticscholar", { try await s2.paper(identifier) }) ?? nil
            pmcid = pmcid ?? paper?.pmcid
            if await offer("semanticscholar", paper?.pdfURL) { return problems }
        }
        if let pmcid, let base = services.pmc {
            _ = await offer(
                "pmc", base.appendingPathComponent(pmcid).appendingPathComponent("pdf").absoluteString + "/")
        }
        return problems
    }

    /// Every candidate (or, with `all` false, the first), without downloading any.
    public func candidates(_ article: DiscoveredArticle, all: Bool = true) async
        -> (candidates: [Candidate], problems: [String])
    {
        var found: [Candidate] = []
        let problems = await locate(article) { candidate in
            found.append(candidate)
            return !all
        }
        return (found, problems)
    }

    private func crossrefPDF(_ doi: String, _ base: URL) async throws -> String? {
        guard let body = try await crossref.getIfFound(base.appendingPathComponent("works").appendingPathComponent(doi))
        else { return nil }
        return try CrossrefWorks.parse(body).articles.first?.pdfURL
    }

    private func unpaywallPDFs(_ doi: String, _ base: URL, _ email: String) async throws -> [String] {
        var components = URLComponents(url: base.appendingPathComponent(doi), resolvingAgainstBaseURL: false)!
        components.queryItems = [URLQueryItem(name: "email", value: email)]
        guard let body = try await unpaywall.getIfFound(components.url!) else { return [] }
        return try UnpaywallRecord.pdfURLs(body)
    }
}
