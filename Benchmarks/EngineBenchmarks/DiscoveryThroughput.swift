import Discovery
import Embeddings
import Foundation
import JSON

/// Articles parsed per second per source format, on the recorded answers in
/// `Tests/Fixtures/discovery`, and articles relevance-scored per second offline (MiniLM).
/// `Benchmarks/discovery_side_by_side.py` runs the original's stack on the same files.
enum DiscoveryThroughput {
    static func body(_ folder: String, _ name: String) throws -> [UInt8] {
        let data = try Data(contentsOf: URL(fileURLWithPath: folder).appendingPathComponent(name))
        if name.hasSuffix(".xml") { return Array(data) }
        return Array((try JSONReader.parse(Array(data)).objectValue?["body"]?.stringValue ?? "").utf8)
    }

    /// Parses `bytes` over and over for at least `duration` seconds; articles per second.
    static func rate(_ bytes: [UInt8], duration: Double = 2, _ parse: ([UInt8]) throws -> Int) rethrows -> Double {
        var articles = 0
        let start = DispatchTime.now().uptimeNanoseconds
        var elapsed = 0.0
        while elapsed < duration {
            for _ in 0..<20 { articles += try parse(bytes) }
            elapsed = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        }
        return Double(articles) / elapsed
    }

    static func run(fixtures: String, modelDirectory: String) async throws {
        let formats: [(String, String, ([UInt8]) throws -> Int)] = [
            (
                "arXiv Atom", "arxiv/q_testing_s0_m10_bc5a6c384fe9.json",
                { try ArxivFeed.parse(Data($0)).articles.count }
            ),
            ("PubMed efetch XML", "pubmed/pubmed2.xml", { try PubMedArticles.articles(Data($0)).count }),
            ("CrossRef JSON", "crossref/works_query_ecology.json", { try CrossrefWorks.parse($0).articles.count }),
            (
                "OpenAlex JSON", "openalex/works_title_search_chemistry_tools.json",
                { try OpenAlexWorks.parse($0).articles.count }
            ),
        ]
        print("| format | recording | articles/s |")
        print("|---|---|---:|")
        var articles: [DiscoveredArticle] = []
        for (format, file, parse) in formats {
            let bytes = try body(fixtures, file)
            print("| \(format) | `\(file)` | \(Int(try rate(bytes, parse))) |")
        }
        articles += try ArxivFeed.parse(Data(body(fixtures, formats[0].1))).articles
        articles += try PubMedArticles.articles(Data(body(fixtures, formats[1].1)))
        articles += try CrossrefWorks.parse(body(fixtures, formats[2].1)).articles
        articles += try OpenAlexWorks.parse(body(fixtures, formats[3].1)).articles
        let embedder = try MiniLMEmbedder(directory: modelDirectory)
        let judge = OfflineRelevance { try await embedder.embed($0) }
        let criteria = RelevanceCriteria(
            description: "Software testing: test generation, test automation and testing tools",
            researchQuestion: "How are software tests generated and automated?", keywords: ["software testing"])
        // Scored in batches of 64, as a run of a source with many new articles would be.
        let batch = (0..<64).map { articles[$0 % articles.count] }
        _ = try await judge.judge(batch, against: criteria)
        var scored = 0
        let start = DispatchTime.now().uptimeNanoseconds
        var elapsed = 0.0
        while elapsed < 5 {
            scored += try await judge.judge(batch, against: criteria).count
            elapsed = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        }
        print(
            "\n| offline relevance (MiniLM, batches of 64, \(articles.count) distinct recorded articles) | articles/s |"
        )
        print("|---|---:|")
        print("| title + abstract vs the query | \(Int(Double(scored) / elapsed)) |")
    }
}
