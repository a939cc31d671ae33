import ArgumentParser
import Foundation
import JSON
import Thoth

/// `thoth pdf-locate DOI`: where a paper's PDF can be fetched, asking the places the
/// discovery loop asks, in its order; `--download` fetches it into the PDF folder.
struct PDFLocateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pdf-locate", abstract: "Find where a paper's PDF can be fetched (by DOI or arXiv id).")
    @Argument(help: "The paper's DOI (or a discovered article's title).") var doi: String?
    @Option(help: "An arXiv id instead of a DOI.") var arxivId: String?
    @Flag(help: "List every place, not just the first.") var all = false
    @Flag(help: "Download the PDF into the PDF folder.") var download = false

    func validate() throws {
        guard doi != nil || arxivId != nil else { throw ValidationError("Give a DOI or --arxiv-id") }
    }

    func run() async throws {
        let services = try RAGCommand.open()
        defer { try? services.close() }
        let result = try await services.discovery.locate(arxivId ?? doi!, all: all, download: download)
        print(JSONWriter.string(.object(result)))
    }
}
