import Foundation

/// all-MiniLM-L6-v2 computed natively: BERT uncased WordPiece tokenizer, the 6-layer encoder
/// on BLAS, mean pooling and L2 normalisation — the vectors sentence-transformers gives, from
/// `vocab.txt` and `model.safetensors` in one directory, with no network.
///
///     let embedder = try MiniLMEmbedder(directory: "models/all-MiniLM-L6-v2")
///     let vectors = try await embedder.embed(["exact search", "approximate search"])
public final class MiniLMEmbedder: Embedder {
    public static let modelName = "all-MiniLM-L6-v2"
    public let dimension = 384
    /// sentence-transformers' `max_seq_length` for this model.
    public let maxInputTokens = 256
    /// Sequences encoded per pass (sorted by length first, so a pass holds similar lengths).
    public let batchSize = 32

    let tokenizer: BertTokenizer
    private let encoder: BertEncoder

    /// Loads the model files from `directory`, or says what to run when they are missing.
    public init(directory: String) throws {
        let vocabulary = (directory as NSString).appendingPathComponent("vocab.txt")
        let weights = (directory as NSString).appendingPathComponent("model.safetensors")
        guard FileManager.default.fileExists(atPath: vocabulary), FileManager.default.fileExists(atPath: weights) else {
            throw EmbeddingError(
                "The \(Self.modelName) model files are not in \(directory). Run `make model` (or set THOTH_MODELS_DIR to "
                    + "the folder that holds \(Self.modelName)/).")
        }
        tokenizer = try BertTokenizer(vocabularyFile: vocabulary)
        encoder = try BertEncoder(weights: try SafeTensors(path: weights))
    }

    /// Token ids as the model sees them: `[CLS] … [SEP]`, truncated to `maxInputTokens`.
    public func tokenize(_ text: String) -> [Int32] {
        tokenizer.encode(text, maxLength: maxInputTokens)
    }

    public func tokenCount(_ text: String) -> Int {
        tokenizer.encode(text, maxLength: Int.max).count - 2
    }

    public func embed(_ texts: [String]) async throws -> [[Float]] {
        embedNow(texts)
    }

    /// The synchronous form of `embed`.
    public func embedNow(_ texts: [String]) -> [[Float]] {
        let sequences = texts.map(tokenize)
        let order = sequences.indices.sorted { sequences[$0].count < sequences[$1].count }
        var result = [[Float]](repeating: [], count: texts.count)
        for start in stride(from: 0, to: order.count, by: batchSize) {
            let batch = Array(order[start..<min(start + batchSize, order.count)])
            for (index, vector) in zip(batch, encoder.embed(batch.map { sequences[$0] })) { result[index] = vector }
        }
        return result
    }
}
