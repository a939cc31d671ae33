import Foundation
import JSON
import JSONHTTP

/// Any OpenAI-compatible `POST {base}/embeddings` endpoint (OpenAI, Mistral, OpenRouter-style
/// gateways, local servers). Texts go in batches; 429 and 5xx answers are retried with
/// exponential backoff (honouring `Retry-After`); a missing or rejected key is a clear error.
public struct OpenAIEmbedder: Embedder {
    public let baseURL: URL
    public let model: String
    public let apiKey: String?
    public let dimension: Int
    public let maxInputTokens = 8191
    public var batchSize = 96
    public var maxRetries = 4
    /// First retry delay; doubles on each further retry.
    public var retryDelay: Duration = .milliseconds(500)
    /// Name of the setting that holds the key, for error messages.
    let keySetting: String

    public init(baseURL: URL, model: String, apiKey: String?, dimension: Int, keySetting: String = "the API key") {
        self.baseURL = baseURL
        self.model = model
        self.apiKey = apiKey
        self.dimension = dimension
        self.keySetting = keySetting
    }

    public func embed(_ texts: [String]) async throws -> [[Float]] {
        guard let apiKey, !apiKey.isEmpty else {
            throw EmbeddingError(
                "Embedding with \(model) at \(baseURL.absoluteString) needs an API key: set \(keySetting).")
        }
        var vectors: [[Float]] = []
        for start in stride(from: 0, to: texts.count, by: batchSize) {
            vectors += try await embedBatch(Array(texts[start..<min(start + batchSize, texts.count)]), apiKey: apiKey)
        }
        return vectors
    }

    private func embedBatch(_ texts: [String], apiKey: String) async throws -> [[Float]] {
        let client = JSONHTTPClient(
            headers: ["Authorization": "Bearer \(apiKey)"], maxRetries: maxRetries, retryDelay: retryDelay)
        let url = baseURL.appendingPathComponent("embeddings")
        let reply: JSONHTTPClient.Reply
        do {
            reply = try await client.send(
                "POST", url, body: ["model": .string(model), "input": .array(texts.map { .string($0) })])
        } catch let error as JSONHTTPError {
            throw EmbeddingError(error.description)
        }
        switch reply.status {
        case 200..<300:
            return try Self.parse(reply, expected: texts.count)
        case 401, 403:
            throw EmbeddingError(
                "The embeddings endpoint rejected the API key (HTTP \(reply.status)); check \(keySetting). \(reply.message)"
            )
        default:
            throw EmbeddingError("The embeddings endpoint answered HTTP \(reply.status): \(reply.message)")
        }
    }

    /// `{"data": [{"embedding": [...], "index": i}, ...]}`, put back in input order.
    static func parse(_ reply: JSONHTTPClient.Reply, expected: Int) throws -> [[Float]] {
        guard case .object(let body) = reply.json, case .array(let items) = body["data"] else {
            throw EmbeddingError("The embeddings endpoint sent a malformed reply: \(reply.message)")
        }
        var vectors = [[Float]?](repeating: nil, count: expected)
        for (position, item) in items.enumerated() {
            guard case .object(let entry) = item, case .array(let numbers) = entry["embedding"] else {
                throw EmbeddingError("The embeddings endpoint sent an entry without an embedding")
            }
            let index = entry["index"]?.intValue.map(Int.init) ?? position
            let vector = numbers.compactMap { $0.doubleValue.map(Float.init) }
            guard (0..<expected).contains(index), vector.count == numbers.count, !vector.isEmpty else {
                throw EmbeddingError("The embeddings endpoint sent a malformed embedding")
            }
            vectors[index] = vector
        }
        guard vectors.allSatisfy({ $0 != nil }) else {
            throw EmbeddingError("The embeddings endpoint returned \(items.count) embeddings for \(expected) texts")
        }
        return vectors.map { $0! }
    }
}
