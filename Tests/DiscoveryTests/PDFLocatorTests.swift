import Discovery
import Foundation
import Testing

/// The locator asks CrossRef, Unpaywall, arXiv, Semantic Scholar and PubMed Central in the
/// original's order, on a local server replaying what they really answered.
@Suite struct PDFLocatorTests {
    /// Replays Unpaywall and Semantic Scholar for the DOIs recorded, 404 for the rest (as they do).
    static func services(unpaywallStatus: Int = 200) async throws -> ReplayServer {
        let unpaywall = try ReplayServer.recorded("unpaywall/10.1073_pnas.1414271111.json")
        let closed = try ReplayServer.recorded("unpaywall/10.1007_s40278-023-41815-2.json")
        let s2 = [
            "10.1038/s42256-024-00832-8": try ReplayServer.recorded(
                "semanticscholar/paper_DOI_10.1038_s42256-024-00832-8.json"),
            "10.1073/pnas.1414271111": try ReplayServer.recorded(
                "semanticscholar/paper_DOI_10.1073_pnas.1414271111.json"),
        ]
        let server = ReplayServer { path, _, _ in
            if path.hasPrefix("/unpaywall/") {
                if unpaywallStatus != 200 {
                    return .init(status: .init(code: unpaywallStatus), headers: ["Retry-After": "0"], body: "{}")
                }
                if path.hasSuffix("10.1073/pnas.1414271111") { return .init(body: unpaywall) }
                if path.hasSuffix("10.1007/s40278-023-41815-2") { return .init(body: closed) }
            }
            if path.hasPrefix("/s2/paper/DOI:"), let body = s2[String(path.dropFirst("/s2/paper/DOI:".count))] {
                return .init(body: body)
            }
            return .init(status: .notFound, body: #"{"error":"not found"}"#)
        }
        try await server.start()
        return server
    }

    static func locator(_ server: ReplayServer) -> PDFLocator {
        PDFLocator(
            services: .init(
                crossref: server.url("/crossref"), unpaywall: server.url("/unpaywall"),
                unpaywallEmail: "me@example.org",
                arxivPDF: server.url("/arxiv/pdf"),
                semanticScholar: SemanticScholarSource(
                    baseURL: server.url("/s2"), apiKey: nil, contact: nil, spacing: RequestSpacing(interval: .zero)),
                pmc: server.url("/pmc")))
    }

    static func article(doi: String? = nil, arxiv: String? = nil, pdf: String? = nil) -> DiscoveredArticle {
        var article = DiscoveredArticle(title: "T", authors: [], source: "test")
        article.doi = doi
        article.arxivID = arxiv
        article.pdfURL = pdf
        return article
    }

    @Test func asksInOrderAndFindsSemanticScholarsAndPMCsCopies() async throws {
        let server = try await Self.services()
        defer { server.stop() }
        let (candidates, problems) = await Self.locator(server).candidates(
            Self.article(doi: "10.1038/s42256-024-00832-8"))
        #expect(problems.isEmpty)
        #expect(candidates.map(\.source) == ["semanticscholar", "pmc"])
        #expect(candidates[0].url == "https://www.nature.com/articles/s42256-024-00832-8.pdf")
        #expect(candidates[1].url == server.url("/pmc/PMC11116106/pdf/").absoluteString)
        let asked = server.arrivals.withLock { $0.map(\.path) }
        #expect(
            asked == [
                "/crossref/works/10.1038/s42256-024-00832-8", "/unpaywall/10.1038/s42256-024-00832-8",
                "/s2/paper/DOI:10.1038/s42256-024-00832-8",
            ])
        #expect(server.arrivals.withLock { $0[1].query } == "email=me@example.org")
    }

    @Test func theArticlesOwnLinkComesFirstAndRepeatsAreDropped() async throws {
        let server = try await Self.services()
        defer { server.stop() }
        let own = "https://example.org/own.pdf"
        let (candidates, _) = await Self.locator(server).candidates(
            Self.article(doi: "10.1073/pnas.1414271111", pdf: own))
        #expect(candidates.first == .init(source: "article", url: own))
        #expect(
            candidates.dropFirst().first
                == .init(source: "unpaywall", url: "https://www.pnas.org/content/pnas/111/45/E4832.full.pdf"))
        // Semantic Scholar points at the same file as Unpaywall: offered once.
        #expect(Set(candidates.map(\.url)).count == candidates.count)
    }

    @Test func stopsAsSoonAsACandidateIsTaken() async throws {
        let server = try await Self.services()
        defer { server.stop() }
        var offered: [String] = []
        await Self.locator(server).locate(Self.article(doi: "10.1073/pnas.1414271111")) { candidate in
            offered.append(candidate.source)
            return true
        }
        #expect(offered == ["unpaywall"])
        #expect(!server.arrivals.withLock { $0.map(\.path) }.contains { $0.hasPrefix("/s2/") })
    }

    @Test func arxivPapersComeFromTheArxivRootAndClosedOnesFindNothing() async throws {
        let server = try await Self.services()
        defer { server.stop() }
        let locator = Self.locator(server)
        let arxiv = await locator.candidates(
            Self.article(arxiv: "2304.05376v2", pdf: "https://arxiv.org/pdf/2304.05376v2"))
        #expect(
            arxiv.candidates.first == .init(source: "arxiv", url: server.url("/arxiv/pdf/2304.05376v2").absoluteString))
        let closed = await locator.candidates(Self.article(doi: "10.1007/s40278-023-41815-2"))
        #expect(closed.candidates.isEmpty && closed.problems.isEmpty)
    }

    @Test func aFailingServiceIsReportedAndTheRestAreStillAsked() async throws {
        let server = try await Self.services(unpaywallStatus: 503)
        defer { server.stop() }
        let (candidates, problems) = await Self.locator(server).candidates(
            Self.article(doi: "10.1038/s42256-024-00832-8"))
        #expect(problems.count == 1 && problems[0].hasPrefix("unpaywall: Unpaywall answered HTTP 503"))
        #expect(candidates.map(\.source) == ["semanticscholar", "pmc"])
    }

    @Test func unpaywallRecordsReadBestFirst() throws {
        let urls = try UnpaywallRecord.pdfURLs(
            Array(try ReplayServer.recorded("unpaywall/10.1073_pnas.1414271111.json").utf8))
        #expect(urls.first == "https://www.pnas.org/content/pnas/111/45/E4832.full.pdf")
        #expect(
            try UnpaywallRecord.pdfURLs(
                Array(try ReplayServer.recorded("unpaywall/10.1007_s40278-023-41815-2.json").utf8)
            ).isEmpty)
        #expect(throws: SourceError.self) { try UnpaywallRecord.pdfURLs(Array("[]".utf8)) }
    }
}
