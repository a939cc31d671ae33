import Foundation
import JSON
import Testing

@testable import Discovery

/// Web search against a local server: Brave's real recorded answer, and SearxNG, Serper and
/// DuckDuckGo answers written to their documented shapes (Tests/Fixtures/discovery/README.md).
@Suite struct WebSearchTests {
    static func fixture(_ name: String) throws -> String {
        try String(contentsOf: ReplayServer.fixtures.appendingPathComponent("websearch/\(name)"), encoding: .utf8)
    }

    func serve(_ body: String, contentType: String = "application/json") async throws -> ReplayServer {
        let server = ReplayServer { _, _, _ in .init(contentType: contentType, body: body) }
        try await server.start()
        return server
    }

    @Test func braveResultsAreReadFromARealAnswer() async throws {
        let server = try await serve(try Self.fixture("brave_web_hello_world.json"))
        defer { server.stop() }
        let search = WebSearch(engine: .brave, baseURL: server.url(""), key: "brave-key", contact: nil)
        let results = try await search.search("hello world", limit: 5, options: .init(timeRange: "week"))
        #expect(results.count == 5)
        #expect(results[0].title == "\"Hello, World!\" program - Wikipedia")
        #expect(results[0].url == "https://en.wikipedia.org/wiki/%22Hello,_World!%22_program")
        #expect(results[0].snippet.hasPrefix("A \"Hello, World!\" program is usually a simple computer program"))
        #expect(!results[0].snippet.contains("<strong>") && results[0].date == "2024-12-27T15:49:55")
        let arrival = try #require(server.arrivals.withLock { $0.first })
        #expect(arrival.path == "/res/v1/web/search" && arrival.headers["x-subscription-token"] == "brave-key")
        #expect(arrival.query.contains("q=hello%20world") && arrival.query.contains("freshness=pw"))
    }

    @Test func searxngSerperAndDuckDuckGoAnswersAreNormalised() async throws {
        let searxng = try await serve(try Self.fixture("searxng_documented.json"))
        defer { searxng.stop() }
        let fromSearx = try await WebSearch(engine: .searxng, baseURL: searxng.url(""), key: nil, contact: nil)
            .search("exact nearest neighbour search", limit: 10)
        #expect(
            fromSearx.map(\.url) == [
                "https://en.wikipedia.org/wiki/Nearest_neighbor_search", "https://github.com/facebookresearch/faiss",
            ])
        #expect(fromSearx[0].snippet.hasSuffix("closest & most similar.") && fromSearx[1].date == "2024-05-02T00:00:00")
        #expect(searxng.arrivals.withLock { $0[0].path == "/search" && $0[0].query.contains("format=json") })

        let serper = try await serve(try Self.fixture("serper_documented.json"))
        defer { serper.stop() }
        let fromSerper = try await WebSearch(engine: .serper, baseURL: serper.url(""), key: "serper-key", contact: nil)
            .search("exact nearest neighbour search", limit: 10, options: .init(timeRange: "month"))
        #expect(fromSerper.count == 2 && fromSerper[1].date == "Feb 28, 2017")
        let sent = try #require(serper.arrivals.withLock { $0.first })
        #expect(sent.apiKey == "serper-key" && sent.path == "/search")
        #expect(try JSONReader.parse(sent.body).objectValue?["tbs"] == "qdr:m")

        let duck = try await serve(try Self.fixture("duckduckgo_documented.html"), contentType: "text/html")
        defer { duck.stop() }
        let fromDuck = try await WebSearch(engine: .duckduckgo, baseURL: duck.url(""), key: nil, contact: nil)
            .search("exact nearest neighbour search", limit: 10)
        #expect(
            fromDuck.map(\.url) == [
                "https://en.wikipedia.org/wiki/Nearest_neighbor_search", "https://github.com/facebookresearch/faiss",
            ])
        #expect(fromDuck[0].title == "Nearest neighbor search - Wikipedia")
        #expect(
            fromDuck[0].snippet
                == "Nearest neighbor search (NNS) is the problem of finding the point & its \"closest\" match.")
        #expect(duck.arrivals.withLock { $0[0].path == "/html/" && $0[0].query.contains("kp=1") })
    }

    @Test func garbageAndEmptyQueriesAreErrors() async throws {
        let server = try await serve("<html>not json</html>")
        defer { server.stop() }
        await #expect(throws: SourceError.self) {
            try await WebSearch(engine: .searxng, baseURL: server.url(""), key: nil, contact: nil).search("x", limit: 3)
        }
        await #expect(throws: SourceError.self) {
            try await WebSearch(engine: .brave, baseURL: server.url(""), key: "k", contact: nil).search("  ", limit: 3)
        }
        #expect(WebSearch.duckDuckGo("<html>nothing here</html>").isEmpty)
    }
}
