import Foundation
import JSON

@testable import ChromaServer
@testable import Embeddings
@testable import Thoth
@testable import VectorStore

/// What a harness feeds the bytes to: each is code that reads input from outside the process
/// (a client's request body, a note on disk, text to embed). Any input may be refused with an
/// error; none may crash, hang or read out of bounds.
enum FuzzTarget: String, CaseIterable {
    /// The hot-path JSON reader, as every request body goes through it.
    case json
    /// An add / upsert / update body, embeddings as float arrays or base64 float32.
    case batch
    /// A get / query / delete body: `where`, `where_document`, `include`, counts.
    case filter
    /// A markdown note: image syntax stripped, split into chunks.
    case chunker
    /// Text through the WordPiece tokenizer of the built-in model.
    case tokenizer

    /// The harness named by `THOTH_FUZZ`.
    static var selected: FuzzTarget {
        let name = ProcessInfo.processInfo.environment["THOTH_FUZZ"] ?? ""
        guard let target = FuzzTarget(rawValue: name) else {
            FileHandle.standardError.write(
                Data("THOTH_FUZZ must be one of \(allCases.map(\.rawValue).joined(separator: ", "))\n".utf8))
            exit(2)
        }
        return target
    }

    func run(_ bytes: [UInt8]) {
        switch self {
        case .json:
            if let value = try? JSONReader.parse(bytes) {
                // What was read must write back and read again to the same value.
                let again = try? JSONReader.parse(JSONWriter.serialize(value))
                precondition(again == value, "JSON round trip changed the value")
            }
        case .batch:
            if let batch = try? RecordBatchDecoder.decode(bytes) {
                _ = try? RecordValidation.validate(batch, for: .add)
            }
        case .filter:
            guard let fields = try? WireFields(body: bytes) else { return }
            _ = try? fields.whereFilter()
            _ = try? fields.whereDocument()
            _ = try? fields.include(default: .queryDefault)
            _ = try? fields.count("n_results")
            _ = try? fields.floatVectors("query_embeddings")
        case .chunker:
            let text = MarkdownText.strippingImages(String(decoding: bytes, as: UTF8.self))
            let chunks = TextChunker(size: 32, overlap: 8) { $0.split(whereSeparator: \.isWhitespace).count }
                .chunks(text)
            precondition(text.allSatisfy(\.isWhitespace) || !chunks.isEmpty, "text without chunks")
        case .tokenizer:
            let text = String(decoding: bytes, as: UTF8.self)
            let ids = Self.wordPieces.encode(text, maxLength: 256)
            precondition(ids.count <= 256 && ids.count >= 2, "\(ids.count) tokens")
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
