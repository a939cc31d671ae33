import Discovery
import Foundation
import JSON
import Testing

/// CrossRef's `/works`, on responses CrossRef really sent (recorded by habanero's tests).
@Suite struct CrossrefTests {
    static func recorded(_ name: String) throws -> [UInt8] { Array(try ReplayServer.recorded("crossref/" + name).utf8) }

    @Test func readsAKnownWork() throws {
        let page = try CrossrefWorks.parse(Self.recorded("work_10.1371_journal.pone.0033693.json"))
        let work = try #require(page.articles.first)
        #expect(
            work.title
                == "Methylphenidate Exposure Induces Dopamine Neuron Loss and Activation of Microglia in the Basal Ganglia of Mice"
        )
        #expect(Array(work.authors.prefix(3)) == ["Shankar Sadasivan", "Brooks B. Pond", "Amar K. Pani"])
        #expect(work.doi == "10.1371/journal.pone.0033693" && work.identity == "doi:10.1371/journal.pone.0033693")
        #expect(work.venue == "PLoS ONE" && work.published == "2012-03-21")
        #expect(work.url == "https://doi.org/10.1371/journal.pone.0033693")
        #expect(work.pdfURL == nil)  // its only link is for similarity checking, not a PDF
    }

    @Test func readsAListAndItsCursor() throws {
        let query = try CrossrefWorks.parse(Self.recorded("works_query_ecology.json"))
        #expect(query.articles.count == 2 && query.total > 2)
        #expect(query.articles[0].abstract?.hasPrefix("Communication is perhaps the most important") == true)
        #expect(query.articles[0].abstract?.contains("<p>") == false)
        let cursor = try CrossrefWorks.parse(Self.recorded("works_cursor_widget.json"))
        #expect(cursor.nextCursor?.isEmpty == false && !cursor.articles.isEmpty)
        #expect(cursor.articles[0].title == "Widget Mania: Using a GUI Widget Framework")
    }

    @Test func refusesWhatIsNotAWorksMessage() {
        #expect(throws: SourceError.self) { try CrossrefWorks.parse(Array("<html>".utf8)) }
        #expect(throws: SourceError.self) { try CrossrefWorks.parse(Array(#"{"status":"ok"}"#.utf8)) }
    }

    @Test func politeQueries() {
        let source = CrossrefSource(
            baseURL: URL(string: "https://api.crossref.org")!, contact: "me@example.org", pageSize: 20)
        let url = source.url(query: "vector search", fromDate: "2024-01-01", cursor: "*")
        let items = Dictionary(
            uniqueKeysWithValues: (URLComponents(url: url, resolvingAgainstBaseURL: false)?.queryItems ?? []).map {
                ($0.name, $0.value ?? "")
            })
        #expect(url.path == "/works" && items["query.bibliographic"] == "vector search")
        #expect(items["filter"] == "from-pub-date:2024-01-01" && items["mailto"] == "me@example.org")
        #expect(items["cursor"] == "*" && items["rows"] == "20" && items["sort"] == "published")
    }
}
