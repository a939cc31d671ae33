import Foundation
import JSON
import Testing
import TextChunking

@testable import Thoth

/// How processed papers are indexed: pages and sections on chunks, front matter read and
/// rewritten, paper filters, and the ledger keyed by content.
@Suite struct PaperIndexingTests {
    let words: (String) -> Int = { $0.split(whereSeparator: \.isWhitespace).count }

    @Test func chunksKnowTheirPageAndSection() {
        let text = """
            # A paper

            ## Page 1

            ### 1. Introduction

            Intro words here.

            ## Page 2

            More intro on the second page.

            ### 2. Method

            The method is described here at length.
            """
        let chunks = TextChunker(size: 8, overlap: 0, tokens: words).locatedChunks(Substring(text))
        #expect(chunks.first?.page == nil && chunks.first?.text == "# A paper")
        let intro = chunks.first { $0.text.contains("Intro words") }
        #expect(intro?.page == 1 && intro?.section == "1. Introduction")
        let carried = chunks.first { $0.text.contains("second page") }
        #expect(carried?.page == 2 && carried?.section == "1. Introduction")
        let method = chunks.first { $0.text.contains("described here") }
        #expect(method?.page == 2 && method?.section == "2. Method")
        #expect(!chunks.contains { $0.text.contains("## Page") })
    }

    @Test func frontMatterIsReadAndRewritten() {
        let note = """
            ---
            title: "A \\"quoted\\" title"
            authors: ["Grace Hopper","Alan Turing"]
            year: 2020
            doi: null
            tags: [a, b]
            document_type: article
            ---

            # Body
            """
        let front = FrontMatter(note)
        #expect(front.string("title") == #"A "quoted" title"#)
        #expect(front.metadata["authors"] == "Grace Hopper, Alan Turing")
        #expect(front.metadata["year"] == 2020 && front.metadata["doi"] == nil && front.metadata["tags"] == "a, b")
        #expect(front.body == "\n# Body")
        let changed = FrontMatter.replacing(["year": 2019, "journal": "J"], in: note)
        let reread = FrontMatter(changed)
        #expect(reread.metadata["year"] == 2019 && reread.string("journal") == "J")
        #expect(reread.string("title") == #"A "quoted" title"# && reread.body == "\n# Body")
        #expect(FrontMatter(FrontMatter.replacing(["year": 1999], in: "plain")).metadata["year"] == 1999)
    }

    @Test func paperFiltersMatchTheJoinedFields() {
        let metadata: JSONObject = [
            "authors": "Grace Hopper, Alan Turing", "tags": "vector-search, notes", "journal": "J. Tests",
        ]
        #expect(PaperFilter(author: "HOPPER").matches(metadata))
        #expect(!PaperFilter(author: "knuth").matches(metadata))
        #expect(PaperFilter(tags: ["#notes", "vector-search"]).matches(metadata))
        #expect(!PaperFilter(tags: ["vector"]).matches(metadata))
        #expect(PaperFilter(journal: "tests").matches(metadata))
        #expect(PaperFilter(yearFrom: 2000, yearTo: 2010).conditions.count == 2)
    }

    @Test func theLedgerIsKeyedByContent() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("ledger-\(UUID().uuidString)").path
        let ledger = try ProcessedLedger(directory: folder)
        let entry = ProcessedLedger.Entry(
            hash: "abc", status: .processed, sourcePath: "/w/pdfs/x.pdf", pdfPath: "/w/pdfs/T.pdf",
            notePath: "/w/notes/T.md", markdownPath: "/w/markdown/T_markdown.md", title: "T", analysis: "offline",
            error: nil, pages: 3, updatedAt: Date(timeIntervalSince1970: 1000))
        try ledger.record(entry)
        #expect(try ledger.entry(hash: "abc") == entry)
        #expect(try ledger.entry(path: "/w/notes/T.md")?.hash == "abc")
        #expect(try ledger.owner(of: "/w/pdfs/T.pdf") == "abc" && ledger.owner(of: "/w/other.md") == nil)
        var failed = entry
        failed.status = .failed
        failed.error = "broken"
        try ledger.record(failed)
        #expect(try ledger.entries().map(\.status) == [.failed])
        try ledger.remove(hash: "abc")
        #expect(try ledger.entries().isEmpty)
        try ledger.close()
    }
}
