import Discovery
import Foundation
import JSON
import Testing

/// Semantic Scholar's Graph API, on responses it really sent (recorded by paper-qa's tests).
@Suite struct SemanticScholarTests {
    static func recorded(_ name: String) throws -> String { try ReplayServer.recorded("semanticscholar/" + name) }

    @Test func readsAKnownPaper() throws {
        let page = try SemanticScholarPapers.parse(
            Array(Self.recorded("paper_DOI_10.1038_s42256-024-00832-8.json").utf8))
        let paper = try #require(page.articles.first)
        #expect(paper.title == "Augmenting large language models with chemistry tools")
        #expect(paper.doi == "10.1038/s42256-024-00832-8" && paper.arxivID == "2304.05376")
        #expect(paper.pmid == "38799228" && paper.pmcid == "PMC11116106")
        #expect(paper.pdfURL == "https://www.nature.com/articles/s42256-024-00832-8.pdf")
        #expect(paper.authors.first == "Andrés M Bran" && paper.published == "2023-04-11")
    }

    @Test func anUnknownPaperIsAnError() throws {
        #expect(throws: SourceError.self) {
            try SemanticScholarPapers.parse(Array(Self.recorded("paper_DOI_10.1101_2024.04.01.587366_404.json").utf8))
        }
    }

    /// Offsets page through results (`next`), with the API key sent as `x-api-key`. The pages are
    /// the recorded `search/match` list with `total` and `next` added here.
    @Test func pagesBySearchOffsetsWithTheKey() async throws {
        let recorded = try JSONReader.parse(Array(Self.recorded("search_match_chemistry_tools.json").utf8)).objectValue!
        let server = ReplayServer { _, query, count in
            var page = recorded
            page["total"] = 3
            page["offset"] = .int(Int64(count))
            if count < 2 { page["next"] = .int(Int64(count + 1)) }
            #expect(query.contains("offset=\(count)"))
            return .init(body: JSONWriter.string(.object(page)))
        }
        try await server.start()
        defer { server.stop() }
        let source = SemanticScholarSource(
            baseURL: server.url("/graph/v1"), apiKey: "secret", contact: "me@example.org",
            spacing: RequestSpacing(interval: .zero), pageSize: 1)
        let found = try await source.search("chemistry tools", limit: 10)
        #expect(found.count == 3 && found.allSatisfy { $0.doi == "10.1038/s42256-024-00832-8" })
        let arrivals = server.arrivals.withLock { $0 }
        #expect(
            arrivals.count == 3 && arrivals.allSatisfy { $0.apiKey == "secret" && $0.path == "/graph/v1/paper/search" })
        #expect(arrivals[0].userAgent.contains("mailto:me@example.org"))
    }

    /// `POST /paper/batch`: the identifiers in the body, the answer in the same order (a real
    /// exchange, recorded by the semanticscholar client's tests); more than 100 go in two calls.
    @Test func looksUpPapersInBatches() async throws {
        let recorded = try ReplayServer.recorded("semanticscholar/paper_batch_authors.json")
        let server = ReplayServer { _, _, count in
            // After the recording: identifiers it does not know, null each, as the API answers — a
            // batch of 100, then of 50, then (the last call) 3 answers for 100 asked.
            let nulls = [1: 100, 2: 50, 3: 3][count] ?? 0
            let unknown = "[" + Array(repeating: "null", count: nulls).joined(separator: ",") + "]"
            return .init(body: count == 0 ? recorded : unknown)
        }
        try await server.start()
        defer { server.stop() }
        let source = SemanticScholarSource(
            baseURL: server.url("/graph/v1"), apiKey: "k", contact: nil, spacing: RequestSpacing(interval: .zero))
        let three = ["CorpusId:470667", "10.2139/ssrn.2250500", "0f40b1f08821e22e859c6050916cec3667778613"]
        let found = try await source.papers(three)
        #expect(found.count == 3 && found[0]?.authors == ["Marianne Bertrand", "E. Duflo", "S. Mullainathan"])
        #expect(found[2]?.authors.last == "Nick Ryan")
        let first = try #require(server.arrivals.withLock { $0.first })
        #expect(first.path == "/graph/v1/paper/batch" && first.apiKey == "k")
        #expect(try JSONReader.parse(first.body) == ["ids": .array(three.map { .string($0) })])
        let unknown = try await source.papers(Array(repeating: "DOI:10.1/x", count: 150))
        #expect(unknown.count == 150 && unknown.allSatisfy { $0 == nil } && server.arrivals.withLock { $0.count } == 3)
        // An answer that does not line up with the identifiers asked is refused, not guessed at.
        await #expect(throws: SourceError.self) { try await source.papers(Array(repeating: "DOI:10.1/x", count: 100)) }
    }
}
