import JSON

/// Everything a note template can show about one processed paper.
public struct NoteContext: Sendable {
    public var analysis: PaperAnalysis
    /// File names as Obsidian links them.
    public var pdfName: String
    public var markdownName: String
    /// ISO 8601.
    public var processed: String
    public var model: String?
    public var ocrPages: [Int] = []
    public var ocrEngine: String?

    public init(analysis: PaperAnalysis, pdfName: String, markdownName: String, processed: String) {
        self.analysis = analysis
        self.pdfName = pdfName
        self.markdownName = markdownName
        self.processed = processed
    }

    /// Headings of the prose fields shown as sections after the summary.
    static let sectionHeadings: [(field: String, heading: String)] = [
        ("objectives", "Objectives"), ("methodology", "Methodology"), ("data", "Data"),
        ("experimental_setup", "Experimental setup"), ("evaluation_metrics", "Evaluation metrics"),
        ("results", "Results"), ("discussion", "Discussion"), ("strengths", "Strengths"),
        ("weaknesses", "Weaknesses"), ("limitations", "Limitations"), ("future_work", "Future work"),
        ("related_work", "Related work"),
    ]

    /// The template's values. Mustache shows a `{{#block}}` for a non-empty string or list, so
    /// absent values are left out rather than set empty.
    var values: [String: Any] {
        var values: [String: Any] = [
            "title": analysis.title, "analysis": analysis.method, "source_pdf": pdfName,
            "markdown_link": markdownName.hasSuffix(".md") ? String(markdownName.dropLast(3)) : markdownName,
            "markdown": markdownName, "processed": processed,
        ]
        if !analysis.authors.isEmpty {
            values["authors"] = analysis.authors
            values["authors_text"] = analysis.authors.joined(separator: ", ")
        }
        if let year = analysis.year { values["year"] = String(year) }
        if let doi = analysis.doi { values["doi"] = doi }
        if let journal = analysis.journal { values["journal"] = journal }
        if !analysis.tags.isEmpty {
            values["tags"] = analysis.tags
            values["tags_text"] = analysis.tags.map { "#\($0)" }.joined(separator: " ")
        }
        for (field, text) in analysis.text { values[field] = text }
        values["sections"] = Self.sectionHeadings.compactMap { field, heading -> [String: Any]? in
            analysis.text[field].map { ["field": field, "heading": heading, "text": $0] }
        }
        values["field_sources"] = analysis.sources.sorted { $0.key < $1.key }.map {
            ["field": $0.key, "source": $0.value]
        }
        if let model { values["model"] = model }
        if !ocrPages.isEmpty {
            values["ocr_pages"] = ocrPages.map(String.init).joined(separator: ", ")
            values["ocr_engine"] = ocrEngine ?? "ocr"
        }
        let quote: (String) -> String = { JSONWriter.string(.string($0)) }
        let list: ([String]) -> String = { JSONWriter.string(.array($0.map { .string($0) })) }
        values["yaml"] = [
            "title": quote(analysis.title), "authors": list(analysis.authors),
            "year": analysis.year.map(String.init) ?? "null", "doi": analysis.doi.map(quote) ?? "null",
            "journal": analysis.journal.map(quote) ?? "null", "tags": list(analysis.tags),
            "source_pdf": quote(pdfName), "markdown": quote(markdownName), "processed": quote(processed),
        ]
        return values
    }
}
