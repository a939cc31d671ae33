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
        let configuration = try ThothConfiguration.load()
        let limits = ChildProcess.Limits(
            wallSeconds: configuration.pdfTimeoutSeconds, memoryBytes: configuration.pdfMemoryBytes)
        let extractor = PDFTextExtractor(
            settings: .init(
                limits: limits, maxFileBytes: configuration.pdfMaxBytes,
                ocr: noOcr ? nil : PaperPipeline.ocr(configuration, limits)))
        var failed = false
        for file in files {
            do {
                let document = try await extractor.extract(file)
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
            } catch {
                failed = true
                FileHandle.standardError.write(Data("\(error)\n".utf8))
            }
        }
        if failed { throw ExitCode(1) }
    }
}
