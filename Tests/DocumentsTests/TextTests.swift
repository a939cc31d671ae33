import Documents
import Foundation
import JSON
import LLM
import Testing

@testable import Documents

@Suite struct TextTests {
    @Test func joinsWordsHyphenatedAtLineEnds() {
        let pages = PageText.clean(["The charac-\nterization of well-\nknown systems.\n3\n", "A well-known result."])
        #expect(pages[0] == "The characterization\nof well-known\nsystems.")
        #expect(pages[1] == "A well-known result.")
    }

    @Test func dropsRunningPageNumbers() {
        #expect(PageText.clean(["Text\n-12-\nPage 3 of 9\nmore"]) == ["Text\nmore"])
    }

    @Test func findsDOIsAsWritten() {
        #expect(DOI.first(in: "see https://doi.org/10.1109/TBDATA.2019.2921572.") == "10.1109/tbdata.2019.2921572")
        #expect(DOI.first(in: "(doi:10.1000/xyz(1)23)") == "10.1000/xyz(1)23")
        #expect(DOI.first(in: "no identifier here 10.12/3") == nil)
    }

    @Test func readsPdfinfoOutput() {
        let metadata = PDFMetadata(
            pdfinfo:
                "Title:           A Study\nAuthor:          Ada Lovelace and Charles Babbage\nKeywords:        x; y\n"
                + "CreationDate:    2021-03-04T05:06:07+01\nPages:           12\nEncrypted:       no\n")
        #expect(metadata.title == "A Study")
        #expect(metadata.authors == ["Ada Lovelace", "Charles Babbage"])
        #expect(metadata.keywords == ["x", "y"])
        #expect(metadata.pages == 12 && metadata.year == 2021)
    }

    @Test func namesFilesAfterTitles() {
        #expect(FileName.cleaned("Attention: Is All You Need?") == "Attention Is All You Need")
        #expect(FileName.cleaned("THE SIEGE OF VICKSBURG.") == "THE SIEGE OF VICKSBURG")
        #expect(FileName.cleaned("../../etc/passwd") == "etcpasswd")
        let taken: Set = ["/n/A.md", "/n/A (2).md"]
        #expect(FileName.free("A", extension: ".md", in: "/n") { !taken.contains($0) } == "/n/A (3).md")
    }

    @Test func readsAPapersFrontMatter() {
        var metadata = PDFMetadata()
        metadata.pages = 1
        var document = PDFText(
            pages: [
                """
                Exact Search on a Laptop
                Grace Hopper, Alan Turing
                Example University
                Abstract
                We show that exact search is fast enough for personal notes on a laptop today.
                Keywords: vector search; notes
                1. Introduction
                In this paper we propose a simple engine that scans every vector and keeps it exact for all users.
                """
            ], metadata: metadata)
        document.metadata.created = "2020-01-01"
        let paper = PaperText(document)
        #expect(paper.titleLine == "Exact Search on a Laptop")
        #expect(paper.authors(after: "Exact Search on a Laptop") == ["Grace Hopper", "Alan Turing"])
        #expect(paper.abstract == "We show that exact search is fast enough for personal notes on a laptop today.")
        #expect(paper.statedKeywords == ["vector search", "notes"])
        #expect(paper.headings.map(\.title) == ["Abstract", "1. Introduction"])
        #expect(paper.objectives?.hasPrefix("In this paper we propose") == true)
    }

    /// A short paper's reference list may sit on its first page: its entries name journals, but
    /// the paper's venue is printed above it, or not at all.
    @Test func theVenueIsNeverAReferenceEntry() {
        let page = { (venue: String) in
            PaperText(
                PDFText(
                    pages: [
                        "Alpha widgets for exact search\n\(venue)Abel, A.\ndoi:10.5555/alpha.2024\nReferences\n"
                            + "Gauss, C. (2024). Gamma. Journal of Widgets, 3(1), 1–10.\n"
                    ], metadata: PDFMetadata()))
        }
        #expect(page("").journal == nil)
        #expect(page("Journal of Widgets, vol. 3\n").journal == "Journal of Widgets, vol. 3")
    }

    @Test func checksModelRepliesAgainstTheSchema() throws {
        #expect(AnalysisSchema.problems(.string("x")) == ["the reply is not a JSON object"])
        let bad = try JSONReader.parse(#"{"title": 3, "authors": "A", "year": "1999"}"#)
        let problems = AnalysisSchema.problems(bad)
        #expect(problems.contains("title must be a string"))
        #expect(problems.contains("authors must be a list of strings"))
        #expect(problems.contains("year must be a year or null"))
        #expect(problems.contains("abstract is missing"))
        let good = try JSONReader.parse(
            #"{"title":"T","authors":["A"],"year":2020,"doi":null,"journal":null,"abstract":"x","summary":"s","#
                + #""key_points":["a","b"],"tags":["t"]}"#)
        #expect(AnalysisSchema.problems(good).isEmpty)
        let analysis = PaperAnalysis(json: good.objectValue!)
        #expect(analysis.text["key_points"] == "- a\n- b")
        #expect(ChatMessage(.assistant, "Here:\n```json\n{\"a\": 1}\n```").jsonObject == ["a": 1])
    }

    @Test func rendersTheNoteWithQuotedFrontMatter() throws {
        var analysis = PaperAnalysis()
        analysis.title = #"Why "exact" search: a study"#
        analysis.authors = ["Grace Hopper"]
        analysis.year = 2020
        analysis.tags = ["vector-search"]
        analysis.text["abstract"] = "An abstract with <b>markup</b> & ampersands."
        analysis.sources = ["title": "text"]
        let note = try NoteTemplate(NoteTemplate.defaultSource).render(
            NoteContext(analysis: analysis, pdfName: "p.pdf", markdownName: "p_markdown.md", processed: "2026-01-01"))
        #expect(
            note.hasPrefix(
                "---\ntitle: \"Why \\\"exact\\\" search: a study\"\nauthors: [\"Grace Hopper\"]\nyear: 2020\n"))
        #expect(note.contains("An abstract with <b>markup</b> & ampersands."))
        #expect(note.contains("**Year:** 2020"))
        #expect(!note.contains("**DOI:**"))
        #expect(note.contains("- title: text"))
    }

    @Test func cutsLongPapersAtPageBoundaries() {
        let document = PDFText(
            pages: [String(repeating: "a", count: 600), String(repeating: "b", count: 600), "c"],
            metadata: PDFMetadata())
        let parts = LLMAnalyzer.parts(document, size: 1000)
        #expect(parts.count == 2)
        #expect(parts[0].hasPrefix("## Page 1") && parts[1].hasPrefix("## Page 2") && parts[1].contains("## Page 3"))
    }
}
