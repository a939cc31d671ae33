import Foundation

/// all-MiniLM-L6-v2 computed natively: BERT uncased WordPiece tokenizer, the 6-layer encoder
/// on our own kernels (AMX tiles where the CPU has them), mean pooling and L2 normalisation —
/// the vectors sentence-transformers gives, from `vocab.txt` and `model.safetensors` in one
/// directory, with no network.
///
///     let embedder = try MiniLMEmbedder(directory: "models/all-MiniLM-L6-v2")
///     let vectors = try await embedder.embed(["exact search", "approximate search"])
public final class MiniLMEmbedder: Embedder {
    public static let modelName = "all-MiniLM-L6-v2"
    public let dimension = 384
    /// sentence-transformers' `max_seq_length` for this model.
    public let maxInputTokens = 256
    /// Tokens encoded per pass: sequences are sorted by length and packed into passes of up to
    /// this many tokens, so short texts share large matmuls and long ones bound the memory used.
    let tokensPerPass = 8192

    let tokenizer: BertTokenizer
    private let encoder: BertEncoder

    /// Loads the model files from `directory`, or says what to run when they are missing.
    /// `float32Only` keeps the dense layers off AMX tiles even where the CPU has them (to
    /// measure what CPUs without AMX get).
    public init(directory: String, float32Only: Bool = false) throws {
        let vocabulary = (directory as NSString).appendingPathComponent("vocab.txt")
        let weights = (directory as NSString).appendingPathComponent("model.safetensors")
        guard FileManager.default.fileExists(atPath: vocabulary), FileManager.default.fileExists(atPath: weights) else {
            throw EmbeddingError(
                "The \(Self.modelName) model files are not in \(directory). Run `make model` (or set THOTH_MODELS_DIR to "
                    + "the folder that holds \(Self.modelName)/).")
        }
        tokenizer = try BertTokenizer(vocabularyFile: vocabulary)
        let tensors = try SafeTensors(path: weights)
        encoder = try float32Only ? BertEncoder(weights: tensors, amx: false) : BertEncoder(weights: tensors)
    }

    /// Token ids as the model sees them: `[CLS] … [SEP]`, truncated to `maxInputTokens`.
    public func tokenize(_ text: String) -> [Int32] {
        tokenizer.encode(text, maxLength: maxInputTokens)
    }

    public func tokenCount(_ text: String) -> Int {
        tokenizer.encode(text, maxLength: Int.max).count - 2
    }

    /// Inference is milliseconds to seconds of CPU: it runs on a thread of its own, never on
    /// one of Swift's few cooperative threads, which keep serving requests meanwhile.
    public func embed(_ texts: [String]) async throws -> [[Float]] {
        await withCheckedContinuation { continuation in
            Thread { continuation.resume(returning: self.embedNow(texts)) }.start()
        }
    }

    /// The synchronous form of `embed`.
    public func embedNow(_ texts: [String]) -> [[Float]] {
        let sequences = texts.map(tokenize)
        let order = sequences.indices.sorted { sequences[$0].count < sequences[$1].count }
        var result = [[Float]](repeating: [], count: texts.count)
        var start = 0
        while start < order.count {
            var end = start + 1
            var tokens = sequences[order[start]].count
            while end < order.count && tokens + sequences[order[end]].count <= tokensPerPass {
                tokens += sequences[order[end]].count
                end += 1
            }
            let batch = Array(order[start..<end])
            for (index, vector) in zip(batch, encoder.embed(batch.map { sequences[$0] })) { result[index] = vector }
            start = end
        }
        return result
    }
}
