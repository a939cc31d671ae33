import Discovery
import Foundation
import Testing

/// bioRxiv's `/details`: real records in an envelope of ours (see the fixtures' README).
@Suite struct BiorxivTests {
    static let recording = "biorxiv/details_10.1101_641381.json"

    @Test func keepsTheNewestVersionOfAPost() throws {
        let page = try BiorxivDetails.parse(Array(try ReplayServer.recorded(Self.recording).utf8))
        #expect(page.count == 2 && page.articles.count == 1)
        let post = try #require(page.articles.first)
        #expect(
            post.title
                == "Chromatin structure-dependent histone incorporation revealed by a genome-wide deposition assay")
        #expect(post.doi == "10.1101/641381" && post.published == "2019-10-13")
        #expect(post.authors.first == "Tachiwana, H." && post.authors.count == 8)
        #expect(post.pdfURL == "https://www.biorxiv.org/content/10.1101/641381v2.full.pdf")
        #expect(post.categories == ["biochemistry"] && post.venue == "bioRxiv")
    }

    @Test func noPostsIsEmptyAndGarbageIsTold() throws {
        let empty = try BiorxivDetails.parse(Array(#"{"messages":[{"status":"no posts found"}],"collection":[]}"#.utf8))
        #expect(empty.articles.isEmpty && empty.total == 0)
        #expect(throws: SourceError.self) { try BiorxivDetails.parse(Array("<html>".utf8)) }
        #expect(throws: SourceError.self) {
            try BiorxivDetails.parse(Array(#"{"messages":[{"status":"invalid interval"}],"collection":[]}"#.utf8))
        }
    }

    /// The interval is paged by cursor, the terms are matched here, and the category is the service's.
    @Test func pagesAnIntervalAndKeepsMatchingPosts() async throws {
        let body = try ReplayServer.recorded(Self.recording)
        let server = ReplayServer { _, _, _ in .init(body: body) }
        try await server.start()
        defer { server.stop() }
        let source = BiorxivSource(baseURL: server.url(""), contact: nil, spacing: RequestSpacing(interval: .zero))
        let query = BiorxivSource.Query(
            from: "2019-05-01", to: "2019-10-31", category: "cell biology", terms: ["histone"])
        let found = try await source.search(query, limit: 10)
        #expect(found.map(\.doi) == ["10.1101/641381"])
        let arrival = try #require(server.arrivals.withLock { $0.first })
        #expect(arrival.path == "/details/biorxiv/2019-05-01/2019-10-31/0" && arrival.query == "category=cell_biology")
        let none = try await source.search(
            BiorxivSource.Query(from: "2019-05-01", to: "2019-10-31", terms: ["transformer"]), limit: 10)
        #expect(none.isEmpty)
    }
}
