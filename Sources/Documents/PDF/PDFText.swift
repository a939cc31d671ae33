import Foundation

/// A PDF's text, page by page, with what the file says about itself.
public struct PDFText: Sendable {
    /// One entry per page, in order; an empty string for a page without text.
    public var pages: [String]
    public var metadata: PDFMetadata
    /// Pages (1-based) whose text came from OCR, and the engine that read them.
    public var ocrPages: [Int] = []
    public var ocrEngine: String?

    public init(pages: [String], metadata: PDFMetadata) {
        self.pages = pages
        self.metadata = metadata
    }

    /// The text as markdown: a `## Page N` section per page with text, as the original wrote
    /// it, and the paper's own section headings marked `###` so chunks know their section.
    public var markdown: String {
        pages.enumerated().compactMap { index, text in
            guard !text.isEmpty else { return nil }
            let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map { line in
                PaperText.isHeading(String(line.trimmedWhitespace)) ? "### \(line)" : String(line)
            }
            return "## Page \(index + 1)\n\n\(lines.joined(separator: "\n"))\n"
        }.joined(separator: "\n")
    }

    /// The paper's section headings, in order.
    public var headings: [String] {
        pages.flatMap { $0.split(separator: "\n") }.map { String($0.trimmedWhitespace) }.filter(PaperText.isHeading)
    }

    /// Every page's text together, for analysis.
    public var plainText: String { pages.filter { !$0.isEmpty }.joined(separator: "\n\n") }
}
