import Documents
import Foundation
import Testing

/// Extraction of real PDFs (made by XeTeX, pdflatex, LibreOffice, a scanner's OCR) with Poppler.
@Suite struct PDFTextExtractorTests {
    let extractor = PDFTextExtractor(
        settings: .init(limits: .init(wallSeconds: 30, memoryBytes: 1 << 30), maxFileBytes: 50 << 20, ocr: nil))

    @Test func readsPagesInOrderWithTheirText() async throws {
        let document = try await extractor.extract(Fixtures.pdf("Seige_of_Vicksburg_Sample_OCR.pdf"))
        #expect(document.pages.count == 6)
        #expect(document.pages[2].contains("I have a great curiosity to see the court house at Vicksburg."))
        #expect(!document.pages[0].contains("court house at Vicksburg"))
        // The markdown puts that sentence under page 3's heading.
        let markdown = document.markdown
        let page3 = try #require(markdown.range(of: "## Page 3\n"))
        let page4 = try #require(markdown.range(of: "## Page 4\n"))
        let sentence = try #require(markdown.range(of: "court house at Vicksburg"))
        #expect(page3.upperBound <= sentence.lowerBound && sentence.upperBound <= page4.lowerBound)
    }

    @Test func readsTheInfoDictionary() async throws {
        let document = try await extractor.extract(Fixtures.pdf("metadata.pdf"))
        #expect(document.metadata.title == "The Title")
        #expect(document.metadata.authors == ["Martin Thoma"])
        #expect(document.metadata.keywords == ["Some Keywords", "other keywords", "more keywords"])
        #expect(document.metadata.year == 2022)
    }

    @Test func readsXMPWithNonLatinText() async throws {
        let document = try await extractor.extract(Fixtures.pdf("issue-914-xmp-data.pdf"))
        #expect(document.metadata.authors == ["微软用户"])
        #expect(document.metadata.created?.hasPrefix("2022-04-09") == true)
    }

    @Test func keepsMultilingualText() async throws {
        let text = try await extractor.extract(Fixtures.pdf("multilang.pdf")).plainText
        for expected in ["Hello World", "Привет, мир", "你好世界", "สวัสดีชาวโลก"] { #expect(text.contains(expected)) }
    }

    @Test func refusesWhatIsNotAReadablePDF() async throws {
        let random = try Fixtures.scratch(Data((0..<4096).map { _ in UInt8.random(in: 0...255) }))
        let empty = try Fixtures.scratch(Data())
        let whole = try Data(contentsOf: URL(fileURLWithPath: Fixtures.pdf("pdflatex-outline.pdf")))
        let truncated = try Fixtures.scratch(whole.prefix(whole.count / 2))
        let cases: [(String, PDFError.Reason)] = [
            (Fixtures.pdf("encrypted-file.pdf"), .encrypted), (random, .notPDF), (empty, .empty),
            (truncated, .truncated), ("/nonexistent/paper.pdf", .missing),
        ]
        for (path, reason) in cases {
            let error = await #expect(throws: PDFError.self) { try await extractor.extract(path) }
            #expect(error?.reason == reason, "\(path)")
            #expect(error?.description.hasPrefix(path) == true)
        }
    }

    @Test func refusesFilesOverTheSizeLimit() async throws {
        let small = PDFTextExtractor(settings: .init(limits: .init(wallSeconds: 30), maxFileBytes: 1000, ocr: nil))
        let error = await #expect(throws: PDFError.self) { try await small.extract(Fixtures.pdf("crazyones.pdf")) }
        #expect(error?.reason == .tooLarge)
    }
}

/// The child process runner's limits, on real programs.
@Suite struct ChildProcessTests {
    @Test func killsAChildThatRunsPastItsTime() async throws {
        // A child that ran its 30 s would exit normally; ended by a signal and flagged, it was
        // killed. (Elapsed time is not asserted: in a parallel test run this task may resume late.)
        let output = try await ChildProcess("/bin/sleep", ["30"], limits: .init(wallSeconds: 0.5)).run()
        #expect(output.timedOut && output.signalled && !output.succeeded)
    }

    @Test func aChildOverItsMemoryLimitFailsAlone() async throws {
        let python = try #require(ChildProcess.locate("python3"))
        let output = try await ChildProcess(
            python, ["-c", "x = bytearray(1 << 30); print(len(x))"],
            limits: .init(wallSeconds: 30, memoryBytes: 256 << 20)
        ).run()
        #expect(!output.succeeded)
        #expect(output.stderr.contains("MemoryError"))
    }

    @Test func keepsOutputUpToItsLimit() async throws {
        let output = try await ChildProcess(
            "/bin/sh", ["-c", "head -c 100000 /dev/zero"], limits: .init(wallSeconds: 10, maxOutputBytes: 1000)
        ).run()
        #expect(output.succeeded && output.truncated && output.stdout.count == 1000)
    }
}
