import Discovery
import Foundation
import JSON

/// Finding and fetching papers' PDFs: `locate_pdf`, `download_pdf`, `validate_pdf_sources`.
enum PDFLocatingTools {
    static func all(_ runner: DiscoveryRunner) -> [Tool] {
        // A ThothError thrown here reaches the caller as the tool's error, by the registry.
        [
            Tool(
                name: "locate_pdf",
                description: "Where a paper's PDF can be fetched (its link, CrossRef, Unpaywall, arXiv, "
                    + "Semantic Scholar, PubMed Central), by DOI, arXiv id or the title of a discovered article.",
                parameters: [
                    .string("article_identifier", "DOI, arXiv id or title", required: true),
                    .boolean("search_multiple_sources", "List every place, not just the first"),
                    .boolean("auto_download", "Download it into the PDF folder"),
                ]
            ) { arguments in
                let result = try await runner.locate(
                    arguments.string("article_identifier")!, all: arguments.flag("search_multiple_sources"),
                    download: arguments.flag("auto_download"))
                let urls = result["candidates"]?.arrayValue?.compactMap { $0.objectValue?["url"]?.stringValue } ?? []
                let text: String
                if case .string(let path)? = result["downloaded"] {
                    text = "Downloaded to \(path)"
                } else if urls.isEmpty {
                    text =
                        "No PDF located" + (result["problems"]?.arrayValue?.isEmpty == false ? " (see problems)" : "")
                } else {
                    text = urls.joined(separator: "\n")
                }
                return ToolOutput(text: text, data: .object(result))
            },
            Tool(
                name: "download_pdf",
                description: "Download a PDF into the PDF folder, where the pipeline picks it up: a URL, or a "
                    + "DOI / arXiv id whose PDF is located first.",
                parameters: [
                    .string("source", "URL, DOI or arXiv id", required: true),
                    .string("filename", "File name to save under"),
                ]
            ) { arguments in
                let result = try await runner.downloadPDF(
                    arguments.string("source")!, name: arguments.string("filename"))
                let path = (result["path"] ?? result["downloaded"])?.stringValue ?? ""
                return ToolOutput(text: "Downloaded to \(path)", data: .object(result))
            },
            Tool(
                name: "validate_pdf_sources",
                description: "Try each place the PDF locator asks on a sample paper and report which answer.",
                parameters: [
                    .string("source_name", "Only this place", choices: PDFLocator.order),
                    .string("test_sample", "DOI or arXiv id to try", default: "10.1038/nature12373"),
                ]
            ) { arguments in
                let checks = try await runner.checkPDFSources(
                    sample: arguments.string("test_sample")!, only: arguments.string("source_name"))
                let text = checks.compactMap(\.objectValue).map {
                    "- \($0["source"]?.stringValue ?? ""): \($0["status"]?.stringValue ?? "")"
                }.joined(separator: "\n")
                return ToolOutput(text: text, data: .array(checks))
            },
        ]
    }
}
