import Citations
import Foundation
import TextChunking

@testable import Embeddings

/// The text harnesses: a markdown note (images stripped, split into chunks), text through the
/// built-in model's WordPiece tokenizer, and a paper's text read as a reference list. None may
/// crash, hang or read out of bounds.
enum TextFuzzTarget: String, CaseIterable {
    case chunker
    case tokenizer
    case references

    /// The harness named by `THOTH_FUZZ`.
    static var selected: TextFuzzTarget {
        guard let target = TextFuzzTarget(rawValue: ProcessInfo.processInfo.environment["THOTH_FUZZ"] ?? "") else {
            FileHandle.standardError.write(Data("THOTH_FUZZ must be chunker, tokenizer or references\n".utf8))
            exit(2)
        }
        return target
    }

    func run(_ bytes: [UInt8]) {
        switch self {
        case .chunker:
            let text = MarkdownText.strippingImages(String(decoding: bytes, as: UTF8.self))
            let chunks = TextChunker(size: 32, overlap: 8) { $0.split(whereSeparator: \.isWhitespace).count }
                .chunks(text)
            precondition(text.allSatisfy(\.isWhitespace) || !chunks.isEmpty, "text without chunks")
        case .tokenizer:
            let text = String(decoding: bytes, as: UTF8.self)
            let ids = Self.wordPieces.encode(text, maxLength: 256)
            precondition(ids.count <= 256 && ids.count >= 2, "\(ids.count) tokens")
        case .references:
            let text = String(decoding: bytes, as: UTF8.self)
            for entry in ReferenceList.entries(ReferenceList.section(in: text) ?? text) {
                let reference = ReferenceParser.parse(entry)
                precondition(reference.raw == entry, "raw text changed")
            }
        }
    }

    /// The built-in model's vocabulary (`$THOTH_MODELS_DIR/all-MiniLM-L6-v2/vocab.txt`).
    static let wordPieces: BertTokenizer = {
        let models = ProcessInfo.processInfo.environment["THOTH_MODELS_DIR"] ?? "models"
        do {
            return try BertTokenizer(vocabularyFile: models + "/all-MiniLM-L6-v2/vocab.txt")
        } catch {
            FileHandle.standardError.write(Data("Cannot read the vocabulary in \(models): \(error)\n".utf8))
            exit(2)
        }
    }()
}
