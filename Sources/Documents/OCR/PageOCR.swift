/// Reads the text of PDF pages that have none (scans): rendered and recognised locally with
/// Tesseract, or sent to Mistral's OCR service.
public protocol PageOCR: Sendable {
    /// The engine's name, recorded in the note (`tesseract`, `mistral-ocr-latest`).
    var name: String { get }
    /// The text of each page asked for (1-based).
    func recognise(pdf path: String, pages: [Int]) async throws -> [Int: String]
}

/// Engines tried in order: the first that reads the pages wins (Mistral, then local Tesseract
/// when the service cannot be reached).
public struct OCRChain: Sendable {
    public let engines: [any PageOCR]

    public init(_ engines: [any PageOCR]) { self.engines = engines }

    public var name: String { engines.map(\.name).joined(separator: ", then ") }

    /// The pages' text and the engine that read them; the last engine's error when all fail.
    public func recognise(pdf path: String, pages: [Int]) async throws -> (engine: String, text: [Int: String]) {
        var lastError: (any Error)?
        for engine in engines {
            do {
                return (engine.name, try await engine.recognise(pdf: path, pages: pages))
            } catch {
                lastError = error
            }
        }
        throw lastError ?? PDFError(file: path, reason: .toolMissing, "no OCR engine is available")
    }
}
