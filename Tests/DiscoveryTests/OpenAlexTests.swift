import Discovery
import Foundation
import Testing

/// OpenAlex's `/works`, on responses OpenAlex really sent (recorded by paper-qa's tests).
@Suite struct OpenAlexTests {
    static func recorded(_ name: String) throws -> [UInt8] { Array(try ReplayServer.recorded("openalex/" + name).utf8) }

    @Test func readsAKnownWorkFromASearch() throws {
        let page = try OpenAlexWorks.parse(Self.recorded("works_title_search_chemistry_tools.json"))
        #expect(page.total == 2 && page.articles.count == 2)
        let work = try #require(page.articles.first)
        #expect(work.title == "Augmenting large language models with chemistry tools")
        #expect(work.doi == "10.1038/s42256-024-00832-8" && work.pmid == "38799228")
        #expect(work.authors.first == "Andres M. Bran" && work.authors.count == 6)
        #expect(work.venue == "Nature Machine Intelligence" && work.published == "2024-05-08")
        #expect(work.pdfURL == "https://www.nature.com/articles/s42256-024-00832-8.pdf")
        // OpenAlex ships the abstract as an inverted index; it reads back as text.
        #expect(work.abstract?.hasPrefix("Large language models (LLMs) have shown strong performance") == true)
        #expect(!work.categories.isEmpty && work.source == "openalex")
    }

    @Test func readsOneWork() throws {
        let page = try OpenAlexWorks.parse(Self.recorded("work_10.1073_pnas.1414271111.json"))
        let work = try #require(page.articles.first)
        #expect(page.total == 1 && page.nextCursor == nil)
        #expect(work.doi == "10.1073/pnas.1414271111")
        #expect(work.title.hasPrefix("Developing functional musculoskeletal tissues through hypoxia"))
    }

    @Test func refusesWhatIsNotWorks() {
        #expect(throws: SourceError.self) { try OpenAlexWorks.parse(Array("<html>".utf8)) }
        #expect(throws: SourceError.self) {
            try OpenAlexWorks.parse(Array(#"{"error":"Invalid query parameters error.","message":"bad"}"#.utf8))
        }
    }

    @Test func searchesWithCursorAndPoliteParameters() throws {
        let source = OpenAlexSource(baseURL: URL(string: "https://api.openalex.org")!, contact: "me@example.org")
        let url = source.url(query: "vector search", fromDate: "2024-01-01", cursor: "*")
        let items = Dictionary(
            uniqueKeysWithValues: (URLComponents(url: url, resolvingAgainstBaseURL: false)?.queryItems ?? []).map {
                ($0.name, $0.value ?? "")
            })
        #expect(url.path == "/works" && items["search"] == "vector search" && items["cursor"] == "*")
        #expect(items["filter"] == "from_publication_date:2024-01-01" && items["mailto"] == "me@example.org")
    }
}
