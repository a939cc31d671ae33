/// Turns texts into vectors. Implementations: the built-in all-MiniLM-L6-v2 (`MiniLMEmbedder`)
/// and any OpenAI-compatible `/embeddings` endpoint (`OpenAIEmbedder`).
public protocol Embedder: Sendable {
    /// Length of every vector returned.
    var dimension: Int { get }
    /// Longest input, in model tokens, that is embedded whole; longer texts are truncated.
    var maxInputTokens: Int { get }
    /// One vector per text, in order.
    func embed(_ texts: [String]) async throws -> [[Float]]
    /// How many model tokens `text` takes, for chunking texts to the model's window.
    func tokenCount(_ text: String) -> Int
}

extension Embedder {
    /// Providers that cannot count exactly estimate four characters per token (OpenAI's rule of thumb).
    public func tokenCount(_ text: String) -> Int { (text.utf8.count + 3) / 4 }
}

/// Why embedding failed.
public struct EmbeddingError: Error, Sendable, CustomStringConvertible, Equatable {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
