import Discovery
import Foundation
import JSONHTTP
import Testing

/// How sources behave when the service does not: rate limiting, errors, hangs and garbage, and
/// the spacing a burst of requests keeps.
@Suite struct SourceFailureTests {
    static let feed = try! ReplayServer.recorded("arxiv/q_testing_s0_m10_bc5a6c384fe9.json")

    @Test func a429IsRetriedAfterTheTimeTheServiceAsks() async throws {
        let server = ReplayServer { _, _, count in
            count == 0
                ? .init(status: .tooManyRequests, headers: ["Retry-After": "1"], body: "slow down")
                : .init(contentType: "application/atom+xml", body: Self.feed)
        }
        try await server.start()
        defer { server.stop() }
        let source = ArxivSource(
            baseURL: server.url("/api"), contact: nil, spacing: RequestSpacing(interval: .zero), pageSize: 10)
        let found = try await source.search(ArxivSource.Query(terms: ["testing"]), limit: 10)
        #expect(found.count == 10)
        let arrivals = server.arrivals.withLock { $0 }
        #expect(arrivals.count == 2 && arrivals[1].at - arrivals[0].at >= .seconds(1))
    }

    @Test func persistentServerErrorsEndInAClearError() async throws {
        let server = ReplayServer { _, _, _ in
            .init(status: .internalServerError, headers: ["Retry-After": "0"], body: "boom")
        }
        try await server.start()
        defer { server.stop() }
        let source = OpenAlexSource(baseURL: server.url(""), contact: nil, spacing: RequestSpacing(interval: .zero))
        let error = await #expect(throws: SourceError.self) { try await source.search("x", limit: 5) }
        #expect(error?.description.hasPrefix("OpenAlex answered HTTP 500") == true)
        #expect(server.arrivals.withLock { $0.count } == 4)  // the first try and three retries
    }

    @Test func aHungServiceTimesOut() async throws {
        let server = ReplayServer { _, _, _ in .init(body: "{}", delay: .seconds(5)) }
        try await server.start()
        defer { server.stop() }
        let source = CrossrefSource(
            baseURL: server.url(""), contact: nil, spacing: RequestSpacing(interval: .zero), timeout: 0.5)
        let error = await #expect(throws: JSONHTTPError.self) { try await source.search("x", limit: 5) }
        #expect(error?.reason == "timed out")
    }

    @Test func malformedAnswersAreToldNotCrashedOn() async throws {
        let server = ReplayServer { path, _, _ in
            path.hasPrefix("/api")
                ? .init(contentType: "application/atom+xml", body: "<feed><entry>") : .init(body: "{\"results\": [")
        }
        try await server.start()
        defer { server.stop() }
        await #expect(throws: SourceError.self) {
            try await ArxivSource(baseURL: server.url("/api"), contact: nil, spacing: RequestSpacing(interval: .zero))
                .search(ArxivSource.Query(terms: ["x"]), limit: 5)
        }
        await #expect(throws: SourceError.self) {
            try await SemanticScholarSource(
                baseURL: server.url("/s2"), apiKey: nil, contact: nil, spacing: RequestSpacing(interval: .zero)
            ).search("x", limit: 5)
        }
    }

    /// PubMed allows 3 requests a second without a key: a burst of concurrent searches is spaced.
    @Test func aBurstToPubMedIsSpacedAsNCBIAsks() async throws {
        let search = try String(
            contentsOf: ReplayServer.fixtures.appendingPathComponent("pubmed/esearch1.xml"), encoding: .utf8)
        let fetch = try String(
            contentsOf: ReplayServer.fixtures.appendingPathComponent("pubmed/pubmed2.xml"), encoding: .utf8)
        let server = ReplayServer { path, _, _ in
            .init(contentType: "text/xml", body: path.hasSuffix("esearch.fcgi") ? search : fetch)
        }
        try await server.start()
        defer { server.stop() }
        let source = PubMedSource(baseURL: server.url("/eutils"), contact: nil, apiKey: nil)
        try await withThrowingTaskGroup(of: Int.self) { group in
            for _ in 0..<3 { group.addTask { try await source.search("cryopreservation", limit: 2).count } }
            for try await count in group { #expect(count == 2) }
        }
        let arrivals = server.arrivals.withLock { $0 }
        #expect(arrivals.count == 6)
        for (earlier, later) in zip(arrivals, arrivals.dropFirst()) {
            #expect(later.at - earlier.at >= .milliseconds(330))
        }
    }
}
