import Foundation

/// Text and metadata out of a PDF with Poppler (`pdfinfo`, `pdftotext`), each run as a child
/// process under a time and memory limit: Poppler is C++ parsing untrusted input, so a crash,
/// a hang or a memory bomb ends the child, never the server. Pages without a text layer go to
/// OCR when an engine is set.
public struct PDFTextExtractor: Sendable {
    public struct Settings: Sendable {
        public var limits: ChildProcess.Limits
        /// Files larger than this are refused before anything parses them.
        public var maxFileBytes: Int
        public var ocr: OCRChain?
        /// A page with fewer visible characters than this counts as having no text layer.
        public var ocrMinCharacters = 20

        public init(limits: ChildProcess.Limits, maxFileBytes: Int, ocr: OCRChain?) {
            self.limits = limits
            self.maxFileBytes = maxFileBytes
            self.ocr = ocr
        }
    }

    public let settings: Settings

    public init(settings: Settings) { self.settings = settings }

    /// Whether Poppler's tools are installed.
    public static var isAvailable: Bool {
        ChildProcess.locate("pdftotext") != nil && ChildProcess.locate("pdfinfo") != nil
    }

    public func extract(_ path: String) async throws -> PDFText {
        try checkFile(path)
        guard let pdfinfo = ChildProcess.locate("pdfinfo"), let pdftotext = ChildProcess.locate("pdftotext") else {
            throw PDFError(
                file: path, reason: .toolMissing,
                "reading PDFs needs Poppler's pdftotext (apt-get install poppler-utils)")
        }
        let info = try await ChildProcess(pdfinfo, ["-isodates", path], limits: settings.limits).run()
        try Self.check(info, file: path, doing: "reading the document information")
        let infoText = String(decoding: info.stdout, as: UTF8.self)
        var metadata = PDFMetadata(pdfinfo: infoText)
        if infoText.contains("Metadata Stream: yes") {
            let xmp = try await ChildProcess(pdfinfo, ["-meta", path], limits: settings.limits).run()
            if xmp.succeeded { metadata.merge(xmp: String(decoding: xmp.stdout, as: UTF8.self)) }
        }
        let text = try await ChildProcess(
            pdftotext, ["-enc", "UTF-8", "-eol", "unix", path, "-"], limits: settings.limits
        ).run()
        try Self.check(text, file: path, doing: "extracting the text")
        // pdftotext ends every page with a form feed.
        var pages = String(decoding: text.stdout, as: UTF8.self).components(separatedBy: "\u{0C}")
        if pages.last?.allSatisfy(\.isWhitespace) == true { pages.removeLast() }
        if metadata.pages > pages.count { pages += Array(repeating: "", count: metadata.pages - pages.count) }
        var document = PDFText(pages: pages, metadata: metadata)
        if let ocr = settings.ocr {
            let blank = pages.indices.filter { index in
                pages[index].unicodeScalars.filter { !CharacterSet.whitespacesAndNewlines.contains($0) }.count
                    < settings.ocrMinCharacters
            }.map { $0 + 1 }
            let scanned = blank.isEmpty ? [] : try await pagesWithImages(path, among: blank)
            if !scanned.isEmpty {
                let read = try await ocr.recognise(pdf: path, pages: scanned)
                for (page, text) in read.text where (1...pages.count).contains(page) && !text.allSatisfy(\.isWhitespace)
                {
                    document.pages[page - 1] = text
                    document.ocrPages.append(page)
                }
                document.ocrPages.sort()
                if !document.ocrPages.isEmpty { document.ocrEngine = read.engine }
            }
        }
        document.pages = PageText.clean(document.pages)
        if document.pages.allSatisfy(\.isEmpty) {
            throw PDFError(
                file: path, reason: .empty,
                settings.ocr == nil
                    ? "no text layer on any page, and OCR is off" : "no text on any page, even after OCR")
        }
        return document
    }

    /// Which of `pages` show an image: a page with neither text nor image is blank, not a scan.
    private func pagesWithImages(_ path: String, among pages: [Int]) async throws -> [Int] {
        guard let pdfimages = ChildProcess.locate("pdfimages") else { return pages }
        let list = try await ChildProcess(pdfimages, ["-list", path], limits: settings.limits).run()
        try Self.check(list, file: path, doing: "listing the images")
        // Rows after the two header lines start with the page number.
        let withImages = Set(
            String(decoding: list.stdout, as: UTF8.self).split(separator: "\n").dropFirst(2).compactMap {
                $0.split(separator: " ").first.flatMap { Int($0) }
            })
        return pages.filter(withImages.contains)
    }

    /// Refuses what is not worth handing to a parser: missing, empty, oversized, not a PDF, or
    /// cut off before its end-of-file marker (a download that stopped half-way).
    private func checkFile(_ path: String) throws {
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: path),
            attributes[.type] as? FileAttributeType == .typeRegular
        else {
            throw PDFError(file: path, reason: .missing, "no such file")
        }
        let size = (attributes[.size] as? NSNumber)?.intValue ?? 0
        guard size > 0 else { throw PDFError(file: path, reason: .empty, "the file is empty") }
        guard size <= settings.maxFileBytes else {
            throw PDFError(
                file: path, reason: .tooLarge,
                "the file is \(size >> 20) MB, over the \(settings.maxFileBytes >> 20) MB limit (THOTH_MAX_PDF_SIZE_MB)"
            )
        }
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw PDFError(file: path, reason: .missing, "the file cannot be read")
        }
        defer { try? handle.close() }
        let head = (try? handle.read(upToCount: 1024)) ?? Data()
        guard head.range(of: Data("%PDF-".utf8)) != nil else {
            throw PDFError(file: path, reason: .notPDF, "not a PDF (no %PDF- header)")
        }
        let tailLength = min(size, 2048)
        try? handle.seek(toOffset: UInt64(size - tailLength))
        let tail = (try? handle.read(upToCount: tailLength)) ?? Data()
        guard tail.range(of: Data("%%EOF".utf8)) != nil else {
            throw PDFError(file: path, reason: .truncated, "the file is truncated (it ends before its %%EOF marker)")
        }
    }

    /// Turns a failed child run into the reason a user can act on.
    static func check(_ output: ChildProcess.Output, file: String, doing: String) throws {
        if output.timedOut {
            throw PDFError(
                file: file, reason: .timedOut,
                "\(doing) took longer than the time limit (THOTH_PDF_PROCESSING_TIMEOUT) and was stopped")
        }
        let message = output.stderr.split(separator: "\n").last.map(String.init) ?? ""
        if output.signalled && output.status == SIGSEGV {
            throw PDFError(
                file: file, reason: .damaged, "\(doing) crashed the reader; the file is likely hostile or damaged")
        }
        if output.signalled || message.contains("std::bad_alloc") || message.contains("Out of memory") {
            throw PDFError(
                file: file, reason: .outOfMemory,
                "\(doing) ran out of memory or crashed; the file is likely hostile or damaged")
        }
        guard output.status != 0 else { return }
        if output.stderr.contains("Incorrect password") || output.status == 3 {
            throw PDFError(file: file, reason: .encrypted, "the PDF is encrypted with a password")
        }
        throw PDFError(
            file: file, reason: .damaged,
            "\(doing) failed: \(message.isEmpty ? "exit status \(output.status)" : message)")
    }
}
