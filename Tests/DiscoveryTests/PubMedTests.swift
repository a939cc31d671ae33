import Discovery
import Foundation
import Testing

/// NCBI E-utilities, on answers NCBI really sent (shipped with Biopython's tests).
@Suite struct PubMedTests {
    static func recorded(_ name: String) throws -> Data {
        try Data(
            contentsOf: URL(fileURLWithPath: #filePath).deletingLastPathComponent()
                .appendingPathComponent("../Fixtures/discovery/pubmed/\(name)").standardizedFileURL)
    }

    @Test func readsAnEsearch() throws {
        let (ids, count) = try PubMedArticles.searchResult(Self.recorded("esearch1.xml"))
        #expect(count == 63 && ids.count == 20 && ids.first == "41282813" && ids.last == "37810457")
    }

    @Test func readsEfetchedArticles() throws {
        let articles = try PubMedArticles.articles(Self.recorded("pubmed2.xml"))
        #expect(articles.count == 2)
        let first = articles[0]
        #expect(first.pmid == "11748933" && first.identity == "doi:10.1006/cryo.2001.2328")
        #expect(first.title.hasPrefix("Is cryopreservation a homogeneous process?"))
        #expect(first.authors.first == "A R Taddei" && first.authors.count == 8)
        #expect(first.venue == "Cryobiology" && first.published == "2001-06")
        #expect(first.abstract?.hasPrefix("This study subdivides the cryopreservation procedure") == true)
        #expect(first.url == "https://pubmed.ncbi.nlm.nih.gov/11748933/")
        #expect(articles[1].doi == "10.1006/jmre.2001.2429" && articles[1].published == "2001-11")
    }

    @Test func refusesOtherAnswers() throws {
        #expect(throws: SourceError.self) { try PubMedArticles.articles(Self.recorded("esearch1.xml")) }
        #expect(throws: SourceError.self) {
            try PubMedArticles.searchResult(Data("<html>Too Many Requests</html>".utf8))
        }
        // A recording cut off mid-way (a dropped connection) is not a shorter answer.
        let fetched = try Self.recorded("pubmed2.xml")
        #expect(throws: SourceError.self) { try PubMedArticles.articles(fetched.prefix(fetched.count / 2)) }
        let searched = try Self.recorded("esearch1.xml")
        #expect(throws: SourceError.self) { try PubMedArticles.searchResult(searched.prefix(searched.count / 2)) }
    }

    @Test func asksAsNCBIRequires() {
        let keyed = PubMedSource(
            baseURL: URL(string: "https://eutils.ncbi.nlm.nih.gov/entrez/eutils")!, contact: "me@example.org",
            apiKey: "k", pageSize: 20)
        let items = Dictionary(
            uniqueKeysWithValues: (URLComponents(
                url: keyed.searchURL("crispr[Title]", start: 40), resolvingAgainstBaseURL: false)?
                .queryItems ?? []).map { ($0.name, $0.value ?? "") })
        #expect(items["db"] == "pubmed" && items["term"] == "crispr[Title]" && items["retstart"] == "40")
        #expect(items["retmax"] == "20" && items["tool"] == "thoth" && items["email"] == "me@example.org")
        #expect(items["api_key"] == "k" && items["sort"] == "pub_date")
        #expect(keyed.fetchURL(["1", "2"]).absoluteString.contains("id=1,2"))
    }
}
