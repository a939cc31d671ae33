import Foundation
import JSON

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

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
        var request = URLRequest(url: baseURL.appendingPathComponent("embeddings"))
        request.httpMethod = "POST"
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        request.setValue("Bearer \(apiKey)", forHTTPHeaderField: "Authorization")
        request.httpBody = Data(
            JSONWriter.serialize(["model": .string(model), "input": .array(texts.map { .string($0) })]))
        request.timeoutInterval = 60
        var attempt = 0
        while true {
            let data: Data
            let response: URLResponse
            do {
                (data, response) = try await URLSession.shared.data(for: request)
            } catch {
                if attempt < maxRetries {
                    try await backoff(attempt, retryAfter: nil)
                    attempt += 1
                    continue
                }
                throw EmbeddingError("Cannot reach \(request.url!.absoluteString): \(error.localizedDescription)")
            }
            let status = (response as? HTTPURLResponse)?.statusCode ?? 0
            switch status {
            case 200..<300:
                return try Self.parse(data, expected: texts.count)
            case 429,
                500..<600 where attempt < maxRetries:
                let retryAfter = (response as? HTTPURLResponse)?.value(forHTTPHeaderField: "Retry-After").flatMap(
                    Double.init)
                try await backoff(attempt, retryAfter: retryAfter)
                attempt += 1
            case 401, 403:
                throw EmbeddingError(
                    "The embeddings endpoint rejected the API key (HTTP \(status)); check \(keySetting). \(Self.message(data))"
                )
            default:
                throw EmbeddingError("The embeddings endpoint answered HTTP \(status): \(Self.message(data))")
            }
        }
    }

    private func backoff(_ attempt: Int, retryAfter: Double?) async throws {
        let delay = retryAfter.map { Duration.milliseconds(Int(min($0, 30) * 1000)) } ?? retryDelay * (1 << attempt)
        try await Task.sleep(for: delay)
    }

    /// `{"data": [{"embedding": [...], "index": i}, ...]}`, put back in input order.
    static func parse(_ data: Data, expected: Int) throws -> [[Float]] {
        guard case .object(let body) = try? JSONReader.parse(Array(data)), case .array(let items) = body["data"] else {
            throw EmbeddingError("The embeddings endpoint sent a malformed reply: \(message(data))")
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

    private static func message(_ data: Data) -> String {
        let text = String(decoding: data.prefix(500), as: UTF8.self)
        if case .object(let body)? = try? JSONReader.parse(Array(data)) {
            if case .object(let error)? = body["error"], let message = error["message"]?.stringValue { return message }
            if let message = body["error"]?.stringValue ?? body["message"]?.stringValue { return message }
        }
        return text
    }
}
