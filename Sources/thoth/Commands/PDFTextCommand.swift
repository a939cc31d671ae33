import ArgumentParser
import Documents
import Foundation
import JSON
import Thoth

/// `thoth pdf-text FILE…`: a PDF's text as the pipeline reads it (`## Page N` markdown, OCR for
/// scanned pages), or with `--json` its metadata and page texts; nothing is written.
struct PDFTextCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pdf-text",
        abstract: "Print the text (or, with --json, the metadata) of PDFs without processing them.")

    @Argument(help: "PDF files.") var files: [String]
    @Flag(help: "Print JSON: metadata, pages and OCR'd pages.") var json = false
    @Flag(help: "Do not OCR pages without text.") var noOcr = false

    func run() async throws {
        let extractor = PaperPipeline.extractor(try ThothConfiguration.load(), ocr: !noOcr)
        // Each PDF is read by child processes, so several run at once, one per core; output keeps
        // the order given.
        let width = max(1, ProcessInfo.processInfo.activeProcessorCount)
        let results = await withTaskGroup(of: Extracted.self) { group in
            var results = [Result<PDFText, any Error>?](repeating: nil, count: files.count)
            for (index, file) in files.enumerated() {
                if index >= width, let done = await group.next() { results[done.index] = done.result }
                group.addTask {
                    do {
                        return Extracted(index: index, result: .success(try await extractor.extract(file)))
                    } catch {
                        return Extracted(index: index, result: .failure(error))
                    }
                }
            }
            for await done in group { results[done.index] = done.result }
            return results
        }
        var failed = false
        for (file, result) in zip(files, results) {
            switch result {
            case .success(let document):
                if json {
                    let metadata = document.metadata
                    print(
                        JSONWriter.string([
                            "file": .string(file), "title": metadata.title.map { .string($0) } ?? .null,
                            "authors": .array(metadata.authors.map { .string($0) }),
                            "doi": metadata.doi.map { .string($0) } ?? .null,
                            "pages": .array(document.pages.map { .string($0) }),
                            "ocr_pages": .array(document.ocrPages.map { .int(Int64($0)) }),
                        ]))
                } else {
                    print(document.markdown)
                }
            case .failure(let error):
                failed = true
                FileHandle.standardError.write(Data("\(error)\n".utf8))
            case nil:
                break
            }
        }
        if failed { throw ExitCode(1) }
    }
}

/// One file's extraction, as a task of the group returns it. (A struct, not a tuple: with the
/// tuple `(Int, Result<PDFText, any Error>)` the release build of Swift 6.3.1 returned a garbage index.)
private struct Extracted: Sendable {
    let index: Int
    let result: Result<PDFText, any Error>
}
