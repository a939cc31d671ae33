/// Reads the text of PDF pages that have none (scans): rendered and recognised locally with
/// Tesseract, or sent to Mistral's OCR service.
public protocol PageOCR: Sendable {
    /// The engine's name, recorded in the note (`tesseract`, `mistral-ocr-latest`).
    var name: String { get }
    /// The text of each page asked for (1-based), in the order asked.
    func recognise(pdf path: String, pages: [Int]) async throws -> [Int: String]
}
