import Foundation

/// Local OCR: each page rendered to a greyscale image by Poppler's `pdftoppm`, read by
/// Tesseract, both in child processes under the same limits as extraction.
public struct TesseractOCR: PageOCR {
    public let name = "tesseract"
    public let language: String
    public let resolution: Int
    let limits: ChildProcess.Limits

    public init(language: String = "eng", resolution: Int = 300, limits: ChildProcess.Limits) {
        self.language = language
        self.resolution = resolution
        self.limits = limits
    }

    /// Whether both programs are installed.
    public static var isAvailable: Bool {
        ChildProcess.locate("pdftoppm") != nil && ChildProcess.locate("tesseract") != nil
    }

    public func recognise(pdf path: String, pages: [Int]) async throws -> [Int: String] {
        guard let pdftoppm = ChildProcess.locate("pdftoppm"), let tesseract = ChildProcess.locate("tesseract") else {
            throw PDFError(
                file: path, reason: .toolMissing,
                "OCR needs pdftoppm and tesseract (apt-get install poppler-utils tesseract-ocr)")
        }
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("thoth-ocr-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        var text: [Int: String] = [:]
        for page in pages {
            let image = scratch.appendingPathComponent("page-\(page)")
            let render = try await ChildProcess(
                pdftoppm,
                [
                    "-r", String(resolution), "-gray", "-png", "-singlefile", "-f", String(page), "-l", String(page),
                    path,
                    image.path,
                ],
                limits: limits
            ).run()
            try PDFTextExtractor.check(render, file: path, doing: "rendering page \(page) for OCR")
            let read = try await ChildProcess(
                tesseract, [image.path + ".png", "stdout", "-l", language, "--psm", "1"], limits: limits
            ).run()
            try PDFTextExtractor.check(read, file: path, doing: "OCR of page \(page)")
            text[page] = String(decoding: read.stdout, as: UTF8.self)
        }
        return text
    }
}
