import Discovery
import Foundation
import Testing

/// arXiv's Atom API, on responses arXiv really sent (recorded by the `arxiv` client's tests).
@Suite struct ArxivTests {
    @Test func readsAKnownPaper() throws {
        let page = try ArxivFeed.parse(
            Data(ReplayServer.recorded("arxiv/id_1707.08567_s0_m100_6a1afebfc6a3.json").utf8))
        #expect(page.total == 1 && page.articles.count == 1)
        let paper = try #require(page.articles.first)
        #expect(paper.title == "Proceedings of Workshop AEW10: Concepts in Information Theory and Communications")
        #expect(paper.arxivID == "1707.08567v1")
        #expect(paper.authors.first == "Kees A. Schouhamer Immink" && paper.authors.count == 34)
        #expect(paper.pdfURL == "https://arxiv.org/pdf/1707.08567v1")
        #expect(paper.url == "https://arxiv.org/abs/1707.08567v1")
        #expect(paper.categories == ["cs.IT"] && paper.published == "2017-07-27T08:18:33Z")
        #expect(paper.abstract?.hasPrefix("The 10th Asia-Europe workshop") == true)
        #expect(paper.identity == "arxiv:1707.08567v1")
    }

    @Test func readsDOIsAndVenuesOfASearch() throws {
        let page = try ArxivFeed.parse(Data(ReplayServer.recorded("arxiv/q_testing_s0_m10_bc5a6c384fe9.json").utf8))
        #expect(page.articles.count == 10 && page.total > 10)
        let withDOI = page.articles.filter { $0.doi != nil }
        #expect(withDOI.map(\.doi).contains("10.1109/icstw55395.2022.00035"))
        #expect(withDOI.allSatisfy { $0.identity.hasPrefix("doi:") })
        #expect(page.articles.contains { $0.venue?.contains("ICSTW") == true })
        #expect(page.articles.allSatisfy { !$0.title.isEmpty && !$0.authors.isEmpty && $0.pdfURL != nil })
    }

    @Test func anEmptyAnswerAndGarbageAreTold() throws {
        let empty = try ArxivFeed.parse(
            Data(ReplayServer.recorded("arxiv/id_0000.0000_s0_m100_8b51d9633a68.json").utf8))
        #expect(empty.articles.isEmpty && empty.total == 0)
        #expect(throws: SourceError.self) { try ArxivFeed.parse(Data("<html>Service unavailable</html".utf8)) }
        #expect(throws: SourceError.self) { try ArxivFeed.parse(Data("{\"not\": \"xml\"}".utf8)) }
    }

    @Test func buildsArxivQueries() {
        let source = ArxivSource(
            baseURL: URL(string: "https://export.arxiv.org/api")!, contact: "me@example.org", pageSize: 50)
        let query = ArxivSource.Query(terms: ["retrieval", "vector search"], categories: ["cs.IR", "cs.CL"])
        #expect(
            query.searchQuery
                == #"((ti:retrieval OR abs:retrieval) AND (ti:"vector search" OR abs:"vector search")) AND (cat:cs.IR OR cat:cs.CL)"#
        )
        let components = URLComponents(url: source.url(for: query, start: 100), resolvingAgainstBaseURL: false)!
        #expect(components.path == "/api/query")
        let items = Dictionary(uniqueKeysWithValues: (components.queryItems ?? []).map { ($0.name, $0.value ?? "") })
        #expect(items["start"] == "100" && items["max_results"] == "50" && items["sortBy"] == "submittedDate")
        #expect(ArxivSource.Query(terms: [], categories: ["cs.IR"]).searchQuery == "cat:cs.IR")
    }

    /// Pages follow `start`, and requests keep the service's spacing however fast results come.
    @Test func pagesThroughResultsAtTheServicesPace() async throws {
        let feed = try ReplayServer.recorded("arxiv/q_testing_s0_m10_bc5a6c384fe9.json")
        let server = ReplayServer { _, _, _ in .init(contentType: "application/atom+xml", body: feed) }
        try await server.start()
        defer { server.stop() }
        let source = ArxivSource(
            baseURL: server.url("/api"), contact: nil, spacing: RequestSpacing(interval: .milliseconds(400)),
            pageSize: 10)
        let found = try await source.search(ArxivSource.Query(terms: ["testing"]), limit: 25)
        #expect(found.count == 25)
        let arrivals = server.arrivals.withLock { $0 }
        #expect(arrivals.count == 3 && zip(arrivals, [0, 10, 20]).allSatisfy { $0.query.contains("start=\($1)&") })
        for (earlier, later) in zip(arrivals, arrivals.dropFirst()) {
            #expect(later.at - earlier.at >= .milliseconds(400))
        }
    }
}
